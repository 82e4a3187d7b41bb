"""Run a parindex command on a full or read-only disk: a real one, mounted in a private mount namespace.

Run as ``unshare --mount --propagation private python hostile_mounts.py SPEC`` (SPEC: JSON). The mount
lives only as long as this process: nothing on the machine sees it, and nothing is left mounted however
the test ends. Prints JSON: the command's exit code and stderr, the digest of every file under ``keep``
before and after, and what is left in the mount.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def main(spec: dict) -> dict:
    mount = Path(spec["mount"])
    mount.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={spec.get('size', '4m')}", "tmpfs", str(mount)], check=True)
    if spec.get("keep_from"):  # the reports (or tables) a previous run left, copied onto the small disk
        shutil.copytree(spec["keep_from"], mount / spec["keep"], symlinks=True)
    if spec.get("free_kb") is not None:  # fill the disk, leaving this much room
        free = shutil.disk_usage(mount).free
        with open(mount / "filler", "wb") as fh:
            fh.write(b"\0" * max(0, free - spec["free_kb"] * 1024))
    if spec.get("read_only"):
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    keep = mount / spec["keep"] if spec.get("keep") else None
    before = digests(keep) if keep and keep.exists() else {}
    done = subprocess.run(spec["argv"], capture_output=True, text=True, cwd=spec.get("cwd"), timeout=600)
    after = digests(keep) if keep and keep.exists() else {}
    return {"code": done.returncode, "stderr": done.stderr, "stdout": done.stdout, "before": before,
            "after": after, "left": sorted(str(p.relative_to(mount)) for p in mount.rglob("*"))}


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
