"""Generate N realistic indicator files for the benchmark.

The shipped indicators are the templates (the seed and the examples: every rule kind, Thai text,
comments). Each generated file varies the agency and code, the fiscal year (with every date
shifted), the reported figures, the number of innovation stages done, and the order of the
narrative's sentences. Every generated file passes `kpi validate`.

    python bench/generate.py 1000 /tmp/kpi-bench-1000
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATE = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
PERFORMANCE = re.compile(r"^(    performance: )(\d+(?:\.\d+)?)$", re.M)
ACHIEVED = re.compile(r"^(achieved: )(\d+(?:\.\d+)?)", re.M)


def agencies(n_districts: int = 50, n_departments: int = 20) -> list[tuple[str, str, str, str]]:
    """(code, name, abbr, kind) of a city-sized catalogue."""
    out = [("0406", "สำนักงานปกครองและทะเบียน", "สปท.", "permanent-secretary-unit"),
           ("0303", "สำนักงานคณะกรรมการข้าราชการกรุงเทพมหานคร", "สำนักงาน ก.ก.", "permanent-secretary-unit")]
    for i in range(1, n_districts + 1):
        out.append((f"50{i:02d}", f"สำนักงานเขตที่ {i}", f"สนข.{i}", "district"))
    for i in range(1, n_departments + 1):
        out.append((f"{i + 10:02d}00", f"สำนักที่ {i}", f"สำนัก {i}", "department"))
    return out


def write_catalogues(root: Path) -> list[str]:
    cat = (REPO / "indicators" / "agencies.yaml").read_text(encoding="utf-8")
    head = cat[: cat.index("agencies:")]
    rows = agencies()
    body = "agencies:\n" + "".join(
        f'  - code: "{c}"\n    name: {n}\n    abbr: {a}\n    kind: {k}\n' for c, n, a, k in rows)
    (root / "agencies.yaml").write_text(head + body, encoding="utf-8")
    shutil.copy(REPO / "indicators" / "strategies.yaml", root / "strategies.yaml")
    return [c for c, *_ in rows]


def shift_dates(text: str, years: int) -> str:
    return DATE.sub(lambda m: f"{int(m.group(1)) + years}-{m.group(2)}-{m.group(3)}", text)


def shuffle_sentences(text: str, rng: random.Random) -> str:
    """Rotate the words of each line inside block scalars (the narratives): same size and
    script, different text."""
    out, block_indent = [], None
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None and line.strip() and indent >= block_indent:
            words = line.strip().split(" ")
            if len(words) > 8:
                cut = rng.randrange(1, len(words) - 1)
                line = " " * indent + " ".join(words[cut:] + words[:cut])
        elif line.strip():
            block_indent = None
        if re.search(r": [|>][-+]?$", line.split(" #")[0].rstrip()):
            block_indent = indent + 1
        out.append(line)
    return "\n".join(out)


def variant(template: str, code: str, agency: str, years: int, rng: random.Random) -> str:
    text = re.sub(r'^code: "[^"]+"', f'code: "{code}"', template, count=1, flags=re.M)
    text = re.sub(r'^agency: "[^"]+"', f'agency: "{agency}"', text, count=1, flags=re.M)
    fy = int(re.search(r"^fiscal_year: (\d+)", text, re.M).group(1))
    text = re.sub(r"^fiscal_year: \d+", f"fiscal_year: {fy + years}", text, count=1, flags=re.M)
    text = shift_dates(text, years)
    if "counts:" not in text:  # where counts back the figure, the figure stays consistent with them
        before = PERFORMANCE.findall(text)
        text = PERFORMANCE.sub(lambda m: f"{m.group(1)}{float(m.group(2)) * rng.uniform(0.9, 1.0):.2f}", text)
        achieved = ACHIEVED.search(text)
        if before and achieved and float(achieved.group(2)) == float(before[-1][1]):
            # ผลงานที่ทำได้ is the latest quarter's figure (rule quarter-consistency): it follows the change
            latest = PERFORMANCE.findall(text)[-1][1]
            text = text[:achieved.start(2)] + latest + text[achieved.end(2):]
    text = shuffle_sentences(text, rng)
    return text


def generate(n: int, out: Path, seed: int = 2564) -> Path:
    """Write n files under out/indicators/ and return that folder."""
    rng = random.Random(seed)
    root = out / "indicators"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    codes = write_catalogues(root)
    templates = [p.read_text(encoding="utf-8") for p in sorted((REPO / "indicators").glob("25*/*.yaml"))]
    # the innovation indicator is every agency's; the others are one each
    placed = [(codes[i % len(codes)], (i // (len(codes) * 20)) % 5) for i in range(n)]
    weights = _weights(placed)
    for i in range(n):
        agency, years = placed[i]  # ~20 indicators per agency and year, over five years
        template = templates[0] if i % 20 == 0 else templates[i % len(templates)]
        is_innovation = "stage-points" in template
        if "district" in template and not agency.startswith("50"):
            template = templates[0]
        code = f"{agency}-{1000 + i // len(codes):04d}"
        text = variant(template, code, agency, years, rng)
        if is_innovation and agency != "0406":
            # an agency's ideas minimum follows its kind: keep only the stages its record supports
            text = _innovation_for(text, agency)
        # a performance agreement's weights sum to 100 (rule agency-weights): share them out
        text = WEIGHT.sub(f"\\g<1>{weights[i]}", text, count=1)
        folder = root / str(2564 + years)
        folder.mkdir(exist_ok=True)
        (folder / f"{code}.yaml").write_text(text, encoding="utf-8")
    return root


WEIGHT = re.compile(r"^(weight:[^\n]*\n  percent: )\d+(?:\.\d+)?", re.M)


def _weights(placed: list[tuple[str, int]]) -> list[int]:
    """Each file's weight, so that an agency's files of one fiscal year sum to 100 (whole numbers)."""
    groups: dict[tuple[str, int], list[int]] = {}
    for i, key in enumerate(placed):
        groups.setdefault(key, []).append(i)
    weights = [0] * len(placed)
    for members in groups.values():
        base, extra = divmod(100, len(members))
        for k, i in enumerate(members):
            weights[i] = base + (k < extra)
    return weights


def _innovation_for(text: str, agency: str) -> str:
    """Departments need 20 ideas and districts 15: add ideas to the seed's 10."""
    need = 20 if not agency.startswith("50") else 15
    extra = "".join(f"    - id: {i}\n      title: ความคิดเห็นที่ {i} จากการรับฟังความคิดเห็นของบุคลากร\n"
                    for i in range(11, need + 1))
    marker = "  selected_idea:"
    text = text.replace("  ideas_reported: 10", f"  ideas_reported: {need}", 1)
    return text.replace(marker, extra + marker, 1) if extra else text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    root = generate(args.n, args.out)
    files = list(root.rglob("*.yaml"))
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} files ({size / len(files) / 1024:.1f} KB on average) under {root}")


if __name__ == "__main__":
    main()
