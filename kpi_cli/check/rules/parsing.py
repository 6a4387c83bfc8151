"""Rules the loader reports while reading a file (documented here; checked in loader.py)."""

from kpi_cli.check.rules.registry import describe

describe("encoding", "error", """The file must be UTF-8.

Bad: a file saved as TIS-620 / Windows-874 by an older Thai program.
Good: the same file re-saved as UTF-8 (`iconv -f TIS-620 -t UTF-8 old.yaml > new.yaml`).""")

describe("binary-file", "error", """The file must be text, not binary data.

Bad: a .docx, .xlsx or image saved under indicators/ with a .yaml name.
Good: the indicator's fields as YAML text.""")

describe("empty-file", "error", """The file must hold the indicator's fields.

Bad: an empty file, or only comments.
Good: `kpi new CODE --agency AAAA` writes a starting point.""")

describe("file-too-large", "error", """Files over 2 MiB are refused unread.

Bad: a 50 MB export pasted into one file.
Good: one indicator per file (a complete one is about 30 KB).""")

describe("unreadable", "error", """The file could not be read (permissions, a broken link).""")

describe("yaml-syntax", "error", """The file must be valid YAML.

Bad:  `title: ผลงาน: ร้อยละ 80` (a second ': ' inside a value)
Good: `title: "ผลงาน: ร้อยละ 80"`""")

describe("yaml-tag", "error", """YAML tags (`!!python/object`, `!custom`) are refused: loading is always safe.

Bad:  `target: !!python/object/apply:os.system ["rm -rf /"]`
Good: `target: {value: 10, unit: คะแนน}`""")

describe("duplicate-key", "error", """A key appears twice in one mapping; YAML would keep only the last.

Bad:  `achieved: 80` … `achieved: 100` in the same mapping
Good: one `achieved:`""")

describe("alias-bomb", "error", """Aliases that expand beyond 200,000 values are refused (a 'billion laughs' file).

Bad:  `b: [*a, *a, *a, *a, *a, *a, *a, *a, *a]` nested level after level
Good: values written out; aliases, if any, used a few times.""")

describe("nesting-too-deep", "error", """Values nested more than 64 levels deep are refused.

Bad:  `[[[[[[…]]]]]]` a thousand levels deep
Good: the indicator's fields, a few levels deep.""")

describe("top-level-mapping", "error", """The file's top level must be a mapping of fields.

Bad:  `- code: "0406-0772"` (a list)
Good: `code: "0406-0772"`""")

describe("number-too-long", "error", """A number has at most 30 digits: no figure, count or amount in baht is longer, and a longer
one is a slip of the keyboard (or a code that belongs in quotes). YAML's sexagesimal numbers are
not read either: `12:30` is the text "12:30", never the number 750.

Bad:  `performance: 99999999999999999999999999999999999`
Good: `performance: 99.5`""")

describe("number-base", "error", """A number must be read as it looks. YAML 1.1 reads a number that starts with 0 in
base 8 (`010` is 8), `0x` in base 16 and `0b` in base 2, and drops a `_` (`3_18` is 318, where
other YAML readers read text): the figure would silently change.

Bad:  `performance: 010`, `target: 0x10`, `achieved: 1_000`
Good: `performance: 10`, `target: 16`, `achieved: 1000` (a code goes in quotes: `"0406"`)""")

describe("line-separator", "error", """No invisible line breaks (U+2028, U+2029, U+0085): YAML reads each as the end of
a line, so one pasted into a value or a key breaks the file's structure.

Bad:  a title pasted from a PDF, with U+2028 in the middle
Good: the title on one line, the character deleted""")

describe("symlink", "error", """Links (symbolic links) under indicators/ are never followed, by any command: a file
behind a link could change what the reviewers and the audited-record guard see. The file or folder
itself belongs there.

Bad:  indicators/2564/0406-0772.yaml -> ../.drafts/0406-0772.yaml
Good: indicators/2564/0406-0772.yaml, a regular file""")

describe("file-name", "error", """Indicator files end in `.yaml` (or `.yml`), in lower case; kpi does not read a file
named `.YAML` or `.Yml`, so it would silently drop out of every check.

Bad:  indicators/2564/0406-0772.YAML
Good: indicators/2564/0406-0772.yaml""")

describe("catalogue", "error", """The catalogues (agencies.yaml, strategies.yaml) are complete and consistent:
4-digit agency codes listed once, each agency's kind under `kinds:`, each strategy's parent present.

Bad:  `code: "7.5.1"` without `code: "7.5"`
Good: every level of the strategy tree listed""", scope="catalogue")

describe("agency-stub", "warning", """An agency that `kpi import` added to agencies.yaml as a stub (its name, abbreviation and
kind read from a page or guessed from the code) is checked by a person.

Bad:  `- code: "5012"` … `stub: true` (name and kind not yet checked)
Good: the official name, abbreviation and kind, and no `stub:`""", scope="catalogue")
