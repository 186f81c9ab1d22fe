"""The command line: bad input gets a clear message and exit code 2 or 3, never a traceback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from console.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env_dir: Path) -> subprocess.CompletedProcess:
    env = {"CITY_CONSOLE_DATA_DIR": str(env_dir / "data"),
           "CITY_CONSOLE_CONFIG_DIR": str(env_dir / "config"),
           "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
           "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"}
    return subprocess.run([sys.executable, "-m", "console", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("argv, fragment", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--lang", "fr"], "invalid choice: 'fr'"),
    (["--cells", "-3"], "must be at least 1"),
    (["--seed", "x"], "not a whole number"),
    (["--sim-speed", "0"], "must be a positive number"),
    (["--quit-after", "soon"], "not a number"),
    (["--screenshot", "shot.jpg"], "must be a .png file"),
    (["--screenshot", "/no/such/folder/x.png"], "folder does not exist"),
    (["--db", "mysql://u@h/db"], "unsupported database 'mysql'"),
    (["--db", "postgresql://h:port/db"], "not a database URL: 'postgresql://h:port/db'"),
    (["demo", "--cases", "many"], "not a whole number"),
    (["bench", "--fast"], "unrecognized arguments: --fast"),
])
def test_bad_options_exit_2_with_a_clear_message(argv, fragment, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


OUT_OF_RANGE = [
    (["--cells", "1000000000"], "must be at most 200,000: 1,000,000,000"),
    (["--cells", "200001"], "must be at most 200,000"),
    (["--cases", "2000001"], "must be at most 2,000,000"),
    (["--seed", "2147483648"], "must be at most 2,147,483,647"),
    (["--sim-speed", "1e9"], "must be at most 1,000"),
    (["--sim-speed", "nan"], "must be a positive number"),
    (["--sim-speed", "inf"], "must be at most 1,000"),
    (["--quit-after", "86401"], "must be at most 86,400"),
    (["demo", "--cells", "1000000000"], "must be at most 200,000"),
    (["demo", "--cases", "99999999"], "must be at most 2,000,000"),
    (["demo", "--seed", "-1"], "must be at least 0"),
    (["demo", "--days", "0"], "must be at least 1"),
    (["demo", "--days", "3651"], "must be at most 3,650"),
]


@pytest.mark.parametrize("argv, fragment", OUT_OF_RANGE)
def test_numbers_out_of_their_range_exit_2_with_one_error_line(argv, fragment, capsys, tmp_path):
    db = tmp_path / "never.db"
    argv = argv[:1] + ["--db", str(db)] + argv[1:] if argv[0] == "demo" else argv
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and fragment in errors[0], err
    assert "Traceback" not in err and not db.exists()


def test_the_ends_of_every_range_are_accepted():
    args = build_parser().parse_args(["--cells", "200000", "--cases", "2000000", "--seed",
                                      "2147483647", "--sim-speed", "1000", "--quit-after",
                                      "86400"])
    assert (args.cells, args.cases, args.seed, args.sim_speed, args.quit_after) == \
        (200_000, 2_000_000, 2**31 - 1, 1000.0, 86400.0)
    args = build_parser().parse_args(["demo", "--cells", "1", "--cases", "0", "--seed", "0",
                                      "--days", "3650"])
    assert (args.sub_cells, args.sub_cases, args.sub_seed, args.days) == (1, 0, 0, 3650)


def test_help_documents_the_ranges(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    out = capsys.readouterr().out
    assert "1 to 200,000" in out and "0 to 2,000,000" in out and "1 to 3650" in out


def test_a_bare_path_is_a_sqlite_file(tmp_path):
    args = build_parser().parse_args(["--db", str(tmp_path / "x.db")])
    assert args.db == f"sqlite:///{tmp_path / 'x.db'}"


def test_unknown_bench_suite_is_refused(capsys):
    assert main(["bench", "nosuch"]) == 2
    assert "unknown benchmark suite: nosuch" in capsys.readouterr().err


def test_init_db_creates_and_reports(tmp_path, capsys):
    path = tmp_path / "new.db"
    assert main(["init-db", "--db", str(path)]) == 0
    assert path.exists() and "ready" in capsys.readouterr().out


def test_bad_database_file_exit_3_untouched_in_both_languages(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("not a database", encoding="utf-8")
    zh = run("init-db", "--db", str(bad), env_dir=tmp_path)
    en = run("init-db", "--db", str(bad), "--lang", "en", env_dir=tmp_path)
    assert (zh.returncode, en.returncode) == (3, 3)
    assert "不是 SQLite 数据库" in zh.stderr and "is not a SQLite database" in en.stderr
    assert "Traceback" not in zh.stderr + en.stderr
    assert bad.read_text(encoding="utf-8") == "not a database"


def test_gui_refuses_a_missing_folder_with_exit_3(tmp_path):
    result = run("--db", str(tmp_path / "nowhere" / "x.db"), "--quit-after", "1", env_dir=tmp_path)
    assert result.returncode == 3
    assert "不存在" in result.stderr and "Traceback" not in result.stderr


def test_demo_command_builds_and_screenshot_shows_the_window(tmp_path):
    db = tmp_path / "demo.db"
    built = run("demo", "--db", str(db), "--cells", "300", "--cases", "600", env_dir=tmp_path)
    assert built.returncode == 0, built.stderr
    again = run("demo", "--db", str(db), "--cells", "300", env_dir=tmp_path)
    assert again.returncode == 0 and "already holds a demo city" in again.stderr
    shot = tmp_path / "window.png"
    result = run("--db", str(db), "--screenshot", str(shot), "--quit-after", "2", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 800 and image.height() >= 500


def test_user_is_refused_outside_the_demo_city(tmp_path):
    result = run("--db", str(tmp_path / "real.db"), "--user", "admin", "--lang", "zh_CN",
                 env_dir=tmp_path)
    assert result.returncode == 2
    assert "只有演示城市可以不用密码登录" in result.stderr
