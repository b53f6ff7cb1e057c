#!/usr/bin/env python3
"""read_vault.py - an independent reader of bron vaults.

Written from docs/FORMAT.md alone, with Python's sqlite3 and hashlib and
PyNaCl (Debian: python3-nacl) for Argon2id and XChaCha20-Poly1305.  It proves
that the document is complete: for every line of tests/vectors/index.txt it
must reach the same outcome, at the same stage, as libbron, decrypt the
vaults that open, and decode every entry to what entries.txt says.  It also
recomputes the known answers of FORMAT.md section 15.

    read_vault.py VECTORS_DIR [FORMAT_MD]       run all vectors (and KATs)
    read_vault.py --dump VAULT (--pass P | --recovery CODE)
                                                 print a vault's entries

Exit status: 0 when everything matches, 1 on a mismatch, 77 when PyNaCl is
not installed (ctest reports the test as skipped).
"""

import hashlib
import os
import shutil
import sqlite3
import stat
import sys
import tempfile

try:
    import nacl.bindings as nb
    import nacl.exceptions
except ImportError:  # pragma: no cover
    print("read_vault.py: PyNaCl is missing (apt-get install python3-nacl)",
          file=sys.stderr)
    sys.exit(77)

# ---- section 1: conventions ----

MAGIC = b"BRONVLT\n"


def u32(v):
    return v.to_bytes(4, "little")


def u64(v):
    return v.to_bytes(8, "little")


def le(b):
    return int.from_bytes(b, "little")


def blake2b(msg=b"", out=32, key=b"", salt=b"", person=b""):
    return hashlib.blake2b(msg, digest_size=out, key=key, salt=salt,
                           person=person).digest()


def blake2b_256(msg):
    return blake2b(msg)


def aead_decrypt(key, nonce, ct_and_tag, ad):
    """XChaCha20-Poly1305-IETF, combined (ciphertext followed by tag)."""
    return nb.crypto_aead_xchacha20poly1305_ietf_decrypt(ct_and_tag, ad,
                                                         nonce, key)


def aead_encrypt(key, nonce, msg, ad):
    return nb.crypto_aead_xchacha20poly1305_ietf_encrypt(msg, ad, nonce, key)


def argon2id(password, salt, opslimit, memlimit):
    return nb.crypto_pwhash_alg(32, password, salt, opslimit, memlimit,
                                nb.crypto_pwhash_ALG_ARGON2ID13)


class Outcome(Exception):
    """The first failing check: an outcome name of section 9 and a stage."""

    def __init__(self, outcome, stage, why):
        super().__init__(f"{outcome} at {stage}: {why}")
        self.outcome = outcome
        self.stage = stage
        self.why = why


# ---- section 2: the file ----

APPLICATION_ID = 1112690510
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_LEN, SLOT_LEN, MANIFEST_LEN = 64, 140, 96


def meta_row(db, k, length, stage, missing="damaged"):
    try:
        row = db.execute("SELECT v, typeof(v) = 'blob' FROM meta WHERE k = ?",
                         (k,)).fetchone()
    except sqlite3.OperationalError as e:  # no meta table
        raise Outcome("not-a-vault", stage, f"cannot read meta: {e}")
    except sqlite3.DatabaseError as e:
        raise Outcome("damaged", stage, f"cannot read meta: {e}")
    if row is None or not row[1] or len(row[0]) != length:
        raise Outcome(missing, stage,
                      f"meta row {k} missing or not a {length}-byte BLOB")
    return row[0]


# ---- section 3: the header ----

def parse_header(h):
    if h[0:8] != MAGIC:
        raise Outcome("not-a-vault", "open", "header magic")
    if blake2b_256(h[0:32]) != h[32:64]:
        raise Outcome("damaged", "open", "header checksum")
    version = le(h[8:12])
    if version != 1:
        raise Outcome("version", "open", f"format version {version}")
    return {"vault_id": h[12:28], "epoch": le(h[28:32])}


# ---- section 5: key slots ----

def parse_slot(s, kind, alg):
    if blake2b_256(s[0:108]) != s[108:140]:
        raise Outcome("damaged", "open", f"slot {kind} checksum")
    if s[0] != kind or s[1] != alg or s[2:4] != b"\0\0":
        raise Outcome("damaged", "open", f"slot {kind} kind/alg/reserved")
    return {"params": s[0:36], "opslimit": le(s[4:12]),
            "memlimit": le(s[12:20]), "salt": s[20:36], "nonce": s[36:60],
            "wrapped": s[60:108]}


def slot_ad(header, params):
    return MAGIC + u32(1) + header["vault_id"] + u32(header["epoch"]) + params


def unwrap(slot, header, kek):
    """The master key, or None when the tag fails."""
    try:
        return aead_decrypt(kek, slot["nonce"], slot["wrapped"],
                            slot_ad(header, slot["params"]))
    except nacl.exceptions.CryptoError:
        return None


# ---- section 4: keys ----

def subkey(master, ident):
    return blake2b(out=32, key=master, salt=u64(ident) + bytes(8),
                   person=b"bronvlt1" + bytes(8))


def recovery_kek(code, salt):
    return blake2b(out=32, key=code, salt=salt, person=b"bron-recovery-kk")


# ---- section 6: the recovery code ----

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _bits(data):
    for byte in data:
        for i in range(7, -1, -1):
            yield (byte >> i) & 1


def _symbols(data, count):
    bits = list(_bits(data))
    bits += [0] * (5 * count - len(bits))
    return [int("".join(map(str, bits[5 * i:5 * i + 5])), 2)
            for i in range(count)]


def recovery_check(code):
    return blake2b(code, out=16, person=b"bron-recovery-ck")[:3]


def recovery_format(code):
    sym = _symbols(code, 52) + _symbols(recovery_check(code), 4)
    text = "".join(ALPHABET[s] for s in sym)
    return "-".join(text[i:i + 4] for i in range(0, 56, 4))


def recovery_parse(text):
    """The 32 code bytes, or None for a typo."""
    sym = []
    for ch in text:
        if ch in "- \t\r\n":
            continue
        c = ch.upper()
        c = {"O": "0", "I": "1", "L": "1"}.get(c, c)
        if c not in ALPHABET or len(sym) == 56:
            return None
        sym.append(ALPHABET.index(c))
    if len(sym) != 56:
        return None
    bits = "".join(format(s, "05b") for s in sym[:52])
    if bits[256:] != "0000":
        return None
    code = int(bits[:256], 2).to_bytes(32, "big")
    if _symbols(recovery_check(code), 4) != sym[52:]:
        return None
    return code


# ---- section 7: records ----

def record_ad(vault_id, ident, rev, epoch):
    return MAGIC + vault_id + u64(ident) + u64(rev) + u32(epoch)


def padded_size(length):
    n = length + 1
    if n <= 1024:
        block = 1024
    else:
        e = n.bit_length() - 1          # floor(log2 n)
        s = e.bit_length()              # floor(log2 e) + 1
        block = 1 << (e - s)
    return (n + block - 1) // block * block


def pad(payload):
    size = padded_size(len(payload))
    return payload + b"\x80" + bytes(size - len(payload) - 1)


def unpad(plain):
    stripped = plain.rstrip(b"\0")
    if not stripped or stripped[-1] != 0x80:
        return None
    payload = stripped[:-1]
    if padded_size(len(payload)) != len(plain):
        return None
    return payload


def open_record(keys, header, ident, rev, nonce, tag, ct):
    try:
        plain = aead_decrypt(keys["record"], nonce, ct + tag,
                             record_ad(header["vault_id"], ident, rev,
                                       header["epoch"]))
    except nacl.exceptions.CryptoError:
        return None
    return unpad(plain)


# ---- section 8: the manifest ----

def mac_prefix(header):
    return MAGIC + header["vault_id"] + u32(header["epoch"])


def listmac(mkey, header, rows):
    h = hashlib.blake2b(digest_size=32, key=mkey, person=b"bron-manifest-ls")
    h.update(mac_prefix(header))
    for ident, rev, nonce, tag in rows:
        h.update(u64(ident) + u64(rev) + nonce + tag)
    return h.digest()


def headmac(mkey, header, body):
    return blake2b(mac_prefix(header) + body, out=32, key=mkey,
                   person=b"bron-manifest-hd")


def verify_manifest(db, header, keys):
    stage = "unlock"
    row = meta_row(db, 4, MANIFEST_LEN, stage, missing="manifest-mismatch")
    if headmac(keys["manifest"], header, row[0:64]) != row[64:96]:
        raise Outcome("manifest-mismatch", stage, "headmac")
    version, epoch = le(row[0:4]), le(row[4:8])
    seq, count, revsum = le(row[8:16]), le(row[16:24]), le(row[24:32])
    if version != 1 or epoch != header["epoch"]:
        raise Outcome("manifest-mismatch", stage, "version or epoch")
    rows = db.execute("SELECT id, rev, nonce, tag FROM record "
                      "ORDER BY id").fetchall()
    for ident, rev, nonce, tag in rows:
        if (not isinstance(nonce, bytes) or len(nonce) != 24
                or not isinstance(tag, bytes) or len(tag) != 16
                or not isinstance(ident, int) or ident <= 0
                or not isinstance(rev, int) or rev <= 0):
            raise Outcome("tampered", stage, f"record {ident} malformed")
    have_count = len(rows)
    have_revsum = sum(r[1] for r in rows) % (1 << 64)
    if listmac(keys["manifest"], header, rows) == row[32:64]:
        return {"seq": seq, "count": count, "revsum": revsum}
    if have_count < count:
        raise Outcome("rows-missing", stage, f"{count - have_count} missing")
    if have_count > count:
        raise Outcome("rows-extra", stage, f"{have_count - count} extra")
    for ident, rev, nonce, tag in rows:
        p = db.execute("SELECT ct FROM payload WHERE id = ?",
                       (ident,)).fetchone()
        if (p is None or not p[0]
                or open_record(keys, header, ident, rev, nonce, tag,
                               p[0]) is None):
            raise Outcome("tampered", stage, f"record {ident:016x}")
    if have_revsum < revsum:
        raise Outcome("rollback", stage, "revision sum went down")
    raise Outcome("manifest-mismatch", stage, "rows replaced or swapped")


# ---- section 10: the entry codec ----

def utf8(value):
    if b"\0" in value:
        raise ValueError("NUL in text")
    return value.decode("utf-8", errors="strict")  # strict rejects
    # overlong forms, surrogates and code points above U+10FFFF


class CodecError(Exception):
    def __init__(self, outcome, why):
        super().__init__(why)
        self.outcome = outcome


def decode_entry(buf):
    if len(buf) < 2 or buf[0] != 0x01:
        raise CodecError("codec", "not an entry")
    if buf[1] != 0x01:
        raise CodecError("version", f"entry version {buf[1]}")
    e = {"created": None, "updated": None, "level": None, "title": None,
         "body": None, "area": None, "tags": [], "history": []}
    i = 2
    try:
        while i < len(buf):
            tag = buf[i]
            i += 1
            n, shift, nbytes = 0, 0, 0
            while True:
                if i >= len(buf) or nbytes == 5:
                    raise ValueError("truncated or overlong length")
                b = buf[i]
                i += 1
                nbytes += 1
                n |= (b & 0x7F) << shift
                shift += 7
                if not b & 0x80:
                    if b == 0 and nbytes > 1:
                        raise ValueError("length not in its shortest form")
                    break
            if n >= 1 << 30 or n > len(buf) - i:
                raise ValueError("length out of range")
            v = buf[i:i + n]
            i += n
            if tag in (0x01, 0x02):
                key = "created" if tag == 0x01 else "updated"
                if e[key] is not None or n != 8:
                    raise ValueError(key)
                e[key] = int.from_bytes(v, "little", signed=True)
            elif tag == 0x03:
                if e["level"] is not None or n != 1 or v[0] > 2:
                    raise ValueError("level")
                e["level"] = v[0]
            elif tag in (0x04, 0x05, 0x06):
                key = {0x04: "title", 0x05: "body", 0x06: "area"}[tag]
                if e[key] is not None:
                    raise ValueError(f"second {key}")
                e[key] = utf8(v)
            elif tag == 0x07:
                if len(e["tags"]) >= 100000:
                    raise ValueError("too many tags")
                e["tags"].append(utf8(v))
            elif tag == 0x08:
                if n < 10 or v[8] > 2 or v[9] > 2:
                    raise ValueError("level change")
                if len(e["history"]) >= 100000:
                    raise ValueError("too many level changes")
                e["history"].append({
                    "when": int.from_bytes(v[0:8], "little", signed=True),
                    "from": v[8], "to": v[9],
                    "why": utf8(v[10:]) if n > 10 else None})
            elif tag >= 0x80:
                pass  # optional field this reader does not know
            else:
                raise ValueError(f"unknown tag {tag:#x}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise CodecError("codec", str(exc))
    if None in (e["created"], e["updated"], e["level"]):
        raise CodecError("codec", "a required field is missing")
    return e


def encode_entry(e):
    """The canonical encoding (section 10), for the known answers."""
    def leb(n):
        out = bytearray()
        while True:
            b, n = n & 0x7F, n >> 7
            out.append(b | (0x80 if n else 0))
            if not n:
                return bytes(out)

    def field(tag, value):
        return bytes([tag]) + leb(len(value)) + value

    out = bytes([0x01, 0x01])
    out += field(0x01, e["created"].to_bytes(8, "little", signed=True))
    out += field(0x02, e["updated"].to_bytes(8, "little", signed=True))
    out += field(0x03, bytes([e["level"]]))
    for tag, key in ((0x04, "title"), (0x05, "body"), (0x06, "area")):
        if e.get(key) is not None:
            out += field(tag, e[key].encode())
    for t in e.get("tags", []):
        out += field(0x07, t.encode())
    for h in e.get("history", []):
        out += field(0x08, h["when"].to_bytes(8, "little", signed=True)
                     + bytes([h["from"], h["to"]])
                     + (h["why"] or "").encode())
    return out


def entry_line(e):
    """The notation of tests/vectors/entries.txt."""
    parts = [f"created={e['created']}", f"updated={e['updated']}",
             f"level={e['level']}"]
    for key in ("title", "body", "area"):
        if e[key] is not None:
            parts.append(f"{key}={e[key].encode().hex()}")
    parts += [f"tag={t.encode().hex()}" for t in e["tags"]]
    for h in e["history"]:
        item = f"history={h['when']}/{h['from']}/{h['to']}"
        if h["why"] is not None:
            item += "/" + h["why"].encode().hex()
        parts.append(item)
    return " ".join(parts)


# ---- section 9: opening a vault ----

KDF_OPS = (1, 20)
KDF_MEM = (8192, 4 << 30)


def read_vault(path, unlock, secret):
    """Runs the whole procedure of section 9.  Returns the records as
    (id, rev, payload, entry) in id order, or raises Outcome."""
    # stage open
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise Outcome("not-a-vault", "open", "not a regular file")
    if st.st_uid != os.geteuid() or st.st_mode & 0o077:
        raise Outcome("perms", "open", "unsafe owner or mode")
    with open(path, "rb") as f:
        if f.read(16) != SQLITE_MAGIC:
            raise Outcome("not-a-vault", "open", "not an SQLite file")
    db = sqlite3.connect(path)
    db.text_factory = bytes  # values are byte strings, whatever their type
    try:
        return _read(db, unlock, secret)
    finally:
        db.close()


def _read(db, unlock, secret):
    try:
        app = db.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as e:
        bad = "damaged" if "malformed" in str(e) else "not-a-vault"
        raise Outcome(bad, "open", str(e))
    if app != APPLICATION_ID:
        raise Outcome("not-a-vault", "open", f"application_id {app}")
    header = parse_header(meta_row(db, 1, HEADER_LEN, "open"))
    pslot = parse_slot(meta_row(db, 2, SLOT_LEN, "open"), 1, 1)
    rslot = parse_slot(meta_row(db, 3, SLOT_LEN, "open"), 2, 2)

    # stage unlock
    if unlock == "pass":
        ops, mem = pslot["opslimit"], pslot["memlimit"]
        if not (KDF_OPS[0] <= ops <= KDF_OPS[1]
                and KDF_MEM[0] <= mem <= KDF_MEM[1]):
            raise Outcome("kdf-out-of-range", "unlock", f"{ops} / {mem}")
        kek = argon2id(secret.encode("utf-8"), pslot["salt"], ops, mem)
        master = unwrap(pslot, header, kek)
        if master is None:
            raise Outcome("wrong-passphrase", "unlock", "slot tag")
    elif unlock == "recovery":
        code = recovery_parse(secret)
        if code is None:
            raise Outcome("recovery-typo", "unlock", "malformed code")
        master = unwrap(rslot, header, recovery_kek(code, rslot["salt"]))
        if master is None:
            raise Outcome("wrong-recovery", "unlock", "slot tag")
    else:
        raise ValueError(f"unknown unlock method {unlock!r}")
    keys = {"record": subkey(master, 1), "manifest": subkey(master, 2)}
    man = verify_manifest(db, header, keys)

    # stage read
    out = []
    rows = db.execute("SELECT r.id, r.rev, r.nonce, r.tag, p.ct, "
                      "typeof(p.ct) = 'blob' FROM record r "
                      "LEFT JOIN payload p ON p.id = r.id "
                      "ORDER BY r.id").fetchall()
    for ident, rev, nonce, tag, ct, ct_is_blob in rows:
        payload = None
        if (ct_is_blob and isinstance(nonce, bytes)
                and len(nonce) == 24 and isinstance(tag, bytes)
                and len(tag) == 16):
            payload = open_record(keys, header, ident, rev, nonce, tag, ct)
        if payload is None:
            raise Outcome("tampered", "read", f"record {ident:016x}")
        out.append([ident, rev, payload, None])
    for rec in out:
        try:
            rec[3] = decode_entry(rec[2])
        except CodecError as e:
            raise Outcome(e.outcome, "read", f"record {rec[0]:016x}: {e}")
    assert len(out) == man["count"]
    return out


# ---- the vectors ----

def run_vectors(vdir):
    entries = {}
    with open(os.path.join(vdir, "entries.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                h, rest = line.split(" ", 1)
                entries[h] = rest
    failures = 0
    cases = 0
    tmp = tempfile.mkdtemp(prefix="bron-pyreader-")
    try:
        with open(os.path.join(vdir, "index.txt"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        for lineno, line in enumerate(lines, 1):
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 6:
                print(f"index.txt:{lineno}: want 6 fields, got {len(fields)}")
                failures += 1
                continue
            name, unlock, secret, want, want_stage, want_records = fields
            cases += 1
            work = os.path.join(tmp, f"case{lineno}")
            os.mkdir(work, 0o700)
            copy = os.path.join(work, "vault.bron")
            shutil.copyfile(os.path.join(vdir, name), copy)
            os.chmod(copy, 0o600)
            problem = None
            try:
                recs = read_vault(copy, unlock, secret)
                got, stage = "ok", "-"
            except Outcome as o:
                recs, got, stage = None, o.outcome, o.stage
                why = o.why
            if (got, stage) != (want, want_stage):
                problem = (f"got {got} at {stage}"
                           + (f" ({why})" if recs is None else "")
                           + f", want {want} at {want_stage}")
            elif recs is not None:
                listed = ",".join(
                    f"{i:016x}:{r}:{len(p)}:{blake2b_256(p).hex()}"
                    for i, r, p, _ in recs) or "none"
                if listed != want_records:
                    problem = f"records differ:\n  got {listed}\n want {want_records}"
                for i, r, p, e in recs:
                    exp = entries.get(blake2b_256(p).hex())
                    if exp is None:
                        problem = f"record {i:016x}: not in entries.txt"
                    elif entry_line(e) != exp:
                        problem = (f"record {i:016x} decodes to\n  "
                                   f"{entry_line(e)}\n not\n  {exp}")
            status = "ok  " if problem is None else "FAIL"
            print(f"{status} index.txt:{lineno} {name} {unlock}: "
                  f"{got} at {stage}" + (f"\n     {problem}" if problem else ""))
            failures += problem is not None
    finally:
        shutil.rmtree(tmp)
    return cases, failures


# ---- section 15: known answers ----

KAT = {
    "record key": "58cd9806c5cd1fc286f5e23050c636af1c99e423cd96bff20354d9422496d899",
    "manifest key": "6723af7ae0044c321ee6044aed021fc3ec3feb5c2629e3a428a87cede3d9e9ee",
    "header": "42524f4e564c540a01000000a0a1a2a3a4a5a6a7a8a9aaabacadaeaf02000000"
              "b8587c6b0415be3a0d4c666a97e216263ea158d2937ecaecf8127ef64817c19b",
    "passphrase KEK": "90da74e47a1d109c1bb7ad2a81127e2089e284ce71c647ebaedc644df9a9f14c",
    "passphrase slot":
        "0101000001000000000000000020000000000000101112131415161718191a1b"
        "1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637138148a1"
        "b3b95e84a0c227af017714385dbc2798d7c8694a2a9d4abb3909fb27b76856ec"
        "90fe427b76d4243ffd4673a0366677e7ee9013d17ed1efc9202d92a24b882c37"
        "c27cf9efdfba72b0e56bdb14",
    "recovery code": "ZZZF-VZ7V-ZBWZ-HXZP-YQTF-7WQH-Y3QY-XVFC-XFNE-KT77-WVJY-9RZ2-W7G0-H2GN",
    "recovery KEK": "18f4f695297d53c12d8ab7ce4cee768aeea03f58f97f77c69aac01e865ae97e3",
    "recovery slot":
        "0202000000000000000000000000000000000000404142434445464748494a4b"
        "4c4d4e4f505152535455565758595a5b5c5d5e5f60616263646566677dfa8670"
        "2979cd839827f6df3f1296b0d843b87aabf4e2c9f2983c1b22578b3ef261c125"
        "8115ed70acf1c34c9ad8e5a61c03c607173ad9c4f13516ae50f6143fc5bdb6b3"
        "22ddee305ab3ec7c7c24256e",
    "record AD": "42524f4e564c540aa0a1a2a3a4a5a6a7a8a9aaabacadaeafefcdab8967452301"
                 "030000000000000002000000",
    "record tag": "05f391031d4016a369dccca132695e07",
    "record ct head": "633d0d44304b8bc1af18088cb5bec7ef",
    "record ct hash": "a0c4631ca81208e86f6f4eb066ad700f5270225c067a970ba81168c4a5599b01",
    "manifest, empty":
        "0100000002000000010000000000000000000000000000000000000000000000"
        "896f55ae2e9f4c324f963936825ee25df9993ffe97ee4a81aa97f77de31a480f"
        "5769940f706ce65daedb3d04993063ad7abcb9be5044ab60b498007a74eebbae",
    "manifest, two records":
        "0100000002000000070000000000000002000000000000000400000000000000"
        "c0fb5e425a762c47858d1544674b3698c617555113e0f8635252bafb21ddac6f"
        "94f8e1a7fe669b71dec719e38ebcc3ba51d18af8d2501a649806721ffbfd7e37",
    "entry": "0101010800e62869000000000208ffffffffffffffff0301010403486f690701"
             "610702c3a9080b2c01000000000000000178",
}

PADDING = [(0, 1024), (1, 1024), (1023, 1024), (1024, 1088), (1087, 1088),
           (1088, 1152), (2047, 2048), (2048, 2176), (3126, 3200),
           (5000, 5120), (65535, 65536), (70000, 71680),
           (1000000, 1015808)]


def known_answers(doc_path):
    M = bytes(range(32))
    V = bytes(range(0xA0, 0xB0))
    S1, N1 = bytes(range(0x10, 0x20)), bytes(range(0x20, 0x38))
    C = bytes(range(0xFF, 0xDF, -1))
    S2, N2 = bytes(range(0x40, 0x50)), bytes(range(0x50, 0x68))
    N3 = bytes(range(0x60, 0x78))
    epoch, rid, rrev = 2, 0x0123456789ABCDEF, 3
    header = {"vault_id": V, "epoch": epoch}
    got = {}
    rk, mk = subkey(M, 1), subkey(M, 2)
    got["record key"], got["manifest key"] = rk.hex(), mk.hex()
    h = MAGIC + u32(1) + V + u32(epoch)
    got["header"] = (h + blake2b_256(h)).hex()

    kek = argon2id(b"correct horse battery staple", S1, 1, 8192)
    got["passphrase KEK"] = kek.hex()
    params = bytes([1, 1, 0, 0]) + u64(1) + u64(8192) + S1
    body = params + N1 + aead_encrypt(kek, N1, M, slot_ad(header, params))
    got["passphrase slot"] = (body + blake2b_256(body)).hex()

    got["recovery code"] = recovery_format(C)
    assert recovery_parse(got["recovery code"]) == C
    rkek = recovery_kek(C, S2)
    got["recovery KEK"] = rkek.hex()
    params = bytes([2, 2, 0, 0]) + bytes(16) + S2
    body = params + N2 + aead_encrypt(rkek, N2, M, slot_ad(header, params))
    got["recovery slot"] = (body + blake2b_256(body)).hex()

    ad = record_ad(V, rid, rrev, epoch)
    got["record AD"] = ad.hex()
    sealed = aead_encrypt(rk, N3, pad(b"hello, bron"), ad)
    ct, tag = sealed[:-16], sealed[-16:]
    got["record tag"], got["record ct head"] = tag.hex(), ct[:16].hex()
    got["record ct hash"] = blake2b_256(ct).hex()
    assert len(ct) == 1024
    assert open_record({"record": rk}, header, rid, rrev, N3, tag,
                       ct) == b"hello, bron"

    def manifest(seq, rows):
        rows = sorted(rows)
        b = (u32(1) + u32(epoch) + u64(seq) + u64(len(rows))
             + u64(sum(r[1] for r in rows)) + listmac(mk, header, rows))
        return (b + headmac(mk, header, b)).hex()

    got["manifest, empty"] = manifest(1, [])
    got["manifest, two records"] = manifest(
        7, [(rid, rrev, N3, tag),
            (0x7EDCBA9876543210, 1, b"\x11" * 24, b"\x22" * 16)])

    entry = {"created": 1764288000, "updated": -1, "level": 1,
             "title": "Hoi", "tags": ["a", "é"],
             "history": [{"when": 300, "from": 0, "to": 1, "why": "x"}]}
    enc = encode_entry(entry)
    got["entry"] = enc.hex()
    back = decode_entry(enc)
    assert back["title"] == "Hoi" and back["tags"] == ["a", "é"]

    failures = 0
    doc = None
    if doc_path:
        with open(doc_path, encoding="utf-8") as f:
            doc = "".join(f.read().split())
    for name, want in KAT.items():
        ok = got[name] == want and (doc is None or want in doc)
        print(f"{'ok  ' if ok else 'FAIL'} known answer: {name}")
        if not ok:
            print(f"     got  {got[name]}\n     want {want}")
            failures += 1
    for length, want in PADDING:
        ok = padded_size(length) == want and (
            doc is None or f"|{length}|{want}|" in doc)
        if not ok:
            print(f"FAIL padding of {length}: {padded_size(length)}, "
                  f"want {want}")
            failures += 1
    return failures


def main(argv):
    if len(argv) >= 2 and argv[1] == "--dump":
        if len(argv) != 5 or argv[3] not in ("--pass", "--recovery"):
            print(__doc__, file=sys.stderr)
            return 2
        try:
            recs = read_vault(argv[2], argv[3][2:], argv[4])
        except Outcome as o:
            print(f"{argv[2]}: {o}", file=sys.stderr)
            return 1
        for ident, rev, payload, entry in recs:
            print(f"{ident:016x} rev {rev} ({len(payload)} bytes): {entry}")
        return 0
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    failures = known_answers(argv[2] if len(argv) == 3 else None)
    cases, bad = run_vectors(argv[1])
    failures += bad
    print(f"{cases} vector cases, {failures} failure(s)")
    return 1 if failures or cases == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
