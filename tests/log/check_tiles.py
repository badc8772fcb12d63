"""An independent check of a certsite log: C2SP tlog-tiles and a signed-note
checkpoint, read with nothing but hashlib and `cryptography`.

Usage: python3 check_tiles.py DIR VKEY
Prints the tree size and root when every tile, every entry bundle and the
checkpoint signature agree; exits 1 otherwise.
"""

import base64
import hashlib
import os
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def leaf(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(hashes):
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node(mth(hashes[:k]), mth(hashes[k:]))


def index_path(n):
    groups = ["%03d" % (n % 1000)]
    n //= 1000
    while n:
        groups.append("x%03d" % (n % 1000))
        n //= 1000
    return "/".join(reversed(groups))


def tile_file(root, level, n, width):
    name = "tile/%s/%s" % (level, index_path(n))
    if width < 256:
        name += ".p/%d" % width
    with open(os.path.join(root, name), "rb") as f:
        return f.read()


def open_note(note, vkey):
    name, key_id, typed = vkey.split("+")
    typed = base64.b64decode(typed)
    assert typed[0] == 1, "an Ed25519 vkey"
    public = typed[1:]
    want = hashlib.sha256(name.encode() + b"\n" + typed).digest()[:4]
    assert want.hex() == key_id, "the vkey's key id"
    text, sigs = note.rsplit("\n\n", 1)
    text += "\n"
    good = False
    for line in sigs.splitlines():
        assert line.startswith("\u2014 "), line
        line_name, b64 = line[2:].split(" ")
        raw = base64.b64decode(b64)
        if line_name == name and raw[:4] == want:
            Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], text.encode())
            good = True
    assert good, "no signature by the log key"
    return text


def main(root, vkey):
    with open(os.path.join(root, "checkpoint"), encoding="utf-8") as f:
        text = open_note(f.read(), vkey)
    origin, size, root_b64 = text.splitlines()
    size = int(size)
    entries = []
    for n in range((size + 255) // 256):
        width = min(256, size - n * 256)
        bundle = tile_file(root, "entries", n, width)
        i = 0
        while i < len(bundle):
            length = int.from_bytes(bundle[i : i + 2], "big")
            entries.append(bundle[i + 2 : i + 2 + length])
            i += 2 + length
    assert len(entries) == size, "entry bundles hold every entry"
    level = [leaf(e) for e in entries]
    height = 0
    while level:
        for n in range((len(level) + 255) // 256):
            chunk = level[n * 256 : (n + 1) * 256]
            assert tile_file(root, height, n, len(chunk)) == b"".join(chunk), (height, n)
        level = [mth(level[i : i + 256]) for i in range(0, len(level) - len(level) % 256, 256)]
        height += 1
    computed = base64.b64encode(mth([leaf(e) for e in entries])).decode()
    assert computed == root_b64, "the checkpoint's root"
    print(origin, size, computed)


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except (AssertionError, OSError, ValueError) as e:
        print("check failed:", e, file=sys.stderr)
        sys.exit(1)
