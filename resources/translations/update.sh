#!/bin/sh
# Regenerate console_zh_CN.ts from the sources (existing translations are kept, vanished strings
# dropped) and compile it to console_zh_CN.qm. Run from anywhere; translate new entries in the
# .ts (Qt Linguist or an editor), then run this again. tests/test_translations.py checks both.
# lupdate reads `#:` comments as notes for translators: use plain `#` comments in console/ui.
set -eu
cd "$(dirname "$0")/../.."
pyside6-lupdate $(find console/ui console/live -name '*.py' | sort) \
    -ts resources/translations/console_zh_CN.ts \
    -target-language zh_CN -source-language en -locations none -no-obsolete -silent
pyside6-lrelease resources/translations/console_zh_CN.ts \
    -qm resources/translations/console_zh_CN.qm -silent
