#!/bin/sh
# Regenerate every <catalogue>_zh_CN.ts from its sources (existing translations are kept,
# vanished strings dropped) and compile each to .qm. Catalogues: catalogues.txt. Translate new
# entries in the .ts (Qt Linguist or an editor), then run this again; tests/test_translations.py
# checks every catalogue.
# lupdate reads `#:` comments as notes for translators: use plain `#` comments in Qt code.
set -eu
cd "$(dirname "$0")/../.."
python -m console.ui.catalogues | while read -r name files; do
    [ -n "$files" ] || continue
    pyside6-lupdate $files -ts "resources/translations/${name}_zh_CN.ts" \
        -target-language zh_CN -source-language en -locations none -no-obsolete -silent
    pyside6-lrelease "resources/translations/${name}_zh_CN.ts" \
        -qm "resources/translations/${name}_zh_CN.qm" -silent
done
