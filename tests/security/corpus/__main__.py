"""python -m tests.security.corpus [folder]: write every file of the upload corpus into a folder, to try by hand."""

import sys
from pathlib import Path

from tests.security.corpus import CORPUS

folder = Path(sys.argv[1] if len(sys.argv) > 1 else "var/upload-corpus")
folder.mkdir(parents=True, exist_ok=True)
for hostile in CORPUS:
    (folder / hostile.name).write_bytes(hostile.content())
    print(folder / hostile.name)
