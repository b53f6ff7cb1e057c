#!/usr/bin/env python3
"""Checks the annotated redaction corpus and prints its statistics.

    check_corpus.py [DIR]      (default: the folder of this script)

Every split folder (dev/, dev2/, dev3/, test/) holds one entry per *.txt file, with each
identifying item written as {{category|original text}}.  Checked: the marks
are balanced and not nested, the category is known, the item is not empty and
has no line break; every bsn passes the 11-proef and every iban passes
mod 97 with its country's length; postcodes and plates have a Dutch form.
Printed: per split the number of entries (by language, from the file name
prefix nl-/en-), words, and items per category.  Exit status 1 on any error.
"""
import os
import re
import sys

CATEGORIES = ["person", "place", "address", "institution", "date", "age",
              "phone", "email", "url", "bsn", "iban", "postcode", "plate"]
RARE_MIN = 30  # items per category per split asked for
# Splits written to study a few categories: only those must reach RARE_MIN
# (the other categories occur there only as they come naturally).
FOCUS = {"dev3": ("institution", "date")}

IBAN_LENGTHS = {
    "NL": 18, "BE": 16, "DE": 22, "FR": 27, "GB": 22, "PL": 28, "TR": 26,
    "ES": 24, "LU": 20, "IT": 27, "AT": 20, "IE": 22, "PT": 25, "CH": 21,
}

MARK = re.compile(r"\{\{([^{}|\n]*)\|([^{}|]*)\}\}")


def bsn_ok(text):
    digits = re.sub(r"[ .\-]", "", text)
    if not re.fullmatch(r"\d{9}", digits):
        return False
    total = sum((9 - i) * int(d) for i, d in enumerate(digits[:8]))
    return (total - int(digits[8])) % 11 == 0


def iban_ok(text):
    s = re.sub(r"[ .\-]", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", s):
        return False
    want = IBAN_LENGTHS.get(s[:2])
    if want is not None and len(s) != want:
        return False
    moved = s[4:] + s[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


def postcode_ok(text):
    m = re.fullmatch(r"([1-9]\d{3}) ?([A-Z]{2})", text)
    return bool(m) and m.group(2) not in ("SA", "SD", "SS")


# Dutch sidecodes 1-14, letters as X and digits as 9.
SIDECODES = {"XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99",
             "99-XX-XX", "99-XXX-9", "9-XXX-99", "XX-999-X", "X-999-XX",
             "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9"}


def plate_ok(text):
    s = text.upper().replace(" ", "-")
    shape = re.sub(r"[A-Z]", "X", re.sub(r"\d", "9", s))
    if "-" not in shape:  # written without dashes: try the known splits
        bare = shape
        return any(c.replace("-", "") == bare for c in SIDECODES)
    return shape in SIDECODES


TITLES = {"mw", "mevr", "mevrouw", "dhr", "meneer", "mr", "mrs", "ms", "miss",
          "dr", "drs", "ir", "prof", "juf", "meester", "mx"}
CONNECTORS = {"van", "de", "der", "den", "des", "het", "ter", "ten", "te",
              "op", "in", "aan", "bij", "en", "of", "the", "and", "la", "le"}


def unmarked_names(path, src, errors):
    """Reports a name that is marked somewhere in the entry and appears
    elsewhere in it without a mark (a forgotten annotation)."""
    names = set()
    for m in MARK.finditer(src):
        if m.group(1) not in ("person", "place", "institution"):
            continue
        text = re.sub(r"['\u2019]s$", "", m.group(2))
        names.add(text)
        if m.group(1) == "person":
            for part in re.split(r"[\s.]+", text):
                if (len(part) >= 3 and part[0].isupper()
                        and part.lower() not in TITLES | CONNECTORS):
                    names.add(part)
    outside = MARK.sub(lambda m: "\0" * len(m.group(0)), src)
    for name in sorted(names):
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)",
                             outside):
            line = outside.count("\n", 0, m.start()) + 1
            errors.append(f"{path}:{line}: {name!r} is marked elsewhere "
                          "in this entry but not here")
        if name.split()[0].lower() in TITLES:
            errors.append(f"{path}: title inside the item {name!r}")


def check_file(path, errors):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    items = []
    for lineno, line in enumerate(src.split("\n"), 1):
        rest = MARK.sub("", line)
        if "{{" in rest or "}}" in rest or "|" in rest:
            errors.append(f"{path}:{lineno}: unbalanced or bad mark")
    for m in MARK.finditer(src):
        cat, text = m.group(1), m.group(2)
        line = src.count("\n", 0, m.start()) + 1
        where = f"{path}:{line}"
        if cat not in CATEGORIES:
            errors.append(f"{where}: unknown category {cat!r}")
            continue
        if not text.strip() or text != text.strip() or "\n" in text:
            errors.append(f"{where}: empty item, stray space or line break "
                          f"in {text!r}")
        if cat == "bsn" and not bsn_ok(text):
            errors.append(f"{where}: bsn {text!r} fails the 11-proef")
        if cat == "iban" and not iban_ok(text):
            errors.append(f"{where}: iban {text!r} fails mod 97 or length")
        if cat == "postcode" and not postcode_ok(text):
            errors.append(f"{where}: postcode {text!r} is not Dutch")
        if cat == "plate" and not plate_ok(text):
            errors.append(f"{where}: plate {text!r} has no Dutch sidecode")
        items.append(cat)
    unmarked_names(path, src, errors)
    plain = MARK.sub(lambda m: m.group(2), src)
    return items, len(plain.split())


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.abspath(__file__))
    errors = []
    splits = sorted(d for d in os.listdir(root)
                    if os.path.isdir(os.path.join(root, d))
                    and not d.startswith("."))
    if not splits:
        print(f"{root}: no split folders", file=sys.stderr)
        return 1
    table = {}
    for split in splits:
        files = sorted(f for f in os.listdir(os.path.join(root, split))
                       if f.endswith(".txt"))
        counts = dict.fromkeys(CATEGORIES, 0)
        langs = {}
        words = []
        for name in files:
            items, nwords = check_file(os.path.join(root, split, name),
                                       errors)
            for cat in items:
                counts[cat] += 1
            words.append(nwords)
            lang = name.split("-", 1)[0] if "-" in name else "?"
            langs[lang] = langs.get(lang, 0) + 1
            if not 150 <= nwords <= 400:
                errors.append(f"{split}/{name}: {nwords} words "
                              "(want 150-400)")
        table[split] = counts
        lang_text = ", ".join(f"{k} {v}" for k, v in sorted(langs.items()))
        print(f"{split}: {len(files)} entries ({lang_text}), "
              f"{sum(words)} words (min {min(words, default=0)}, "
              f"max {max(words, default=0)}), "
              f"{sum(counts.values())} items")
        for cat in FOCUS.get(split, CATEGORIES):
            if counts[cat] < RARE_MIN:
                errors.append(f"{split}: only {counts[cat]} {cat} items "
                              f"(want at least {RARE_MIN})")
    print()
    print(f"{'category':<12}" + "".join(f"{s:>8}" for s in splits)
          + f"{'total':>8}")
    for cat in CATEGORIES + ["all"]:
        vals = [sum(table[s].values()) if cat == "all" else table[s][cat]
                for s in splits]
        print(f"{cat:<12}" + "".join(f"{v:>8}" for v in vals)
              + f"{sum(vals):>8}")
    for e in errors:
        print("error:", e, file=sys.stderr)
    print(f"\n{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
