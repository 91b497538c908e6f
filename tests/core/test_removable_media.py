"""Which mounted volumes are the patient's removable media, and which record files they hold."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.removable_media import (
    MAX_DEPTH,
    linux_removable_roots,
    parse_mounts,
    record_files_on,
)

MOUNTS = """\
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
/dev/nvme0n1p1 /boot/efi vfat rw 0 0
/dev/sdb1 /media/jan/MY\\040STICK vfat rw,nosuid,nodev 0 0
/dev/sdc1 /mnt/card vfat rw 0 0
/dev/sdd1 /run/media/marie/USB exfat rw 0 0
tmpfs /run/user/1000 tmpfs rw 0 0
"""


def _sysfs(tmp_path: Path, removable: dict[str, str]) -> Path:
    """A fake /sys/class/block: partitions link into their disk's folder, as the kernel does."""
    devices = tmp_path / "devices"
    block = tmp_path / "class-block"
    block.mkdir()
    for disk, flag in removable.items():
        disk_dir = devices / disk
        (disk_dir / f"{disk}1").mkdir(parents=True)
        (disk_dir / "removable").write_text(flag + "\n", encoding="ascii")
        os.symlink(disk_dir / f"{disk}1", block / f"{disk}1")
        os.symlink(disk_dir, block / disk)
    return block


def test_mount_table_escapes_are_read() -> None:
    points = [m.mount_point for m in parse_mounts(MOUNTS)]
    assert Path("/media/jan/MY STICK") in points


def test_removable_roots_on_linux(tmp_path: Path) -> None:
    block = _sysfs(tmp_path, {"nvme0n1": "0", "sdb": "0", "sdc": "1", "sdd": "0"})
    roots = linux_removable_roots(MOUNTS, block)
    # sdb: a USB disk that says "not removable", but udisks mounted it under /media;
    # sdc: a card reader marked removable; never the system disk, /boot or tmpfs.
    assert roots == [Path("/media/jan/MY STICK"), Path("/mnt/card"), Path("/run/media/marie/USB")]


def test_no_removable_media(tmp_path: Path) -> None:
    block = _sysfs(tmp_path, {"nvme0n1": "0"})
    assert linux_removable_roots("/dev/nvme0n1p2 / ext4 rw 0 0\n", block) == []


def test_record_files_on_a_stick(tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    (stick / "hospital" / "2026").mkdir(parents=True)
    (stick / "sumehr.xml").write_text("<kmehr/>", encoding="utf-8")
    (stick / "hospital" / "2026" / "bundle.json").write_text("{}", encoding="utf-8")
    (stick / "photo.jpg").write_bytes(b"\xff\xd8")
    (stick / ".hidden.xml").write_text("x", encoding="utf-8")
    deep = stick / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    (deep / "too-deep.xml").write_text("x", encoding="utf-8")
    outside = tmp_path / "computer" / "secret.xml"
    outside.parent.mkdir()
    outside.write_text("x", encoding="utf-8")
    os.symlink(outside, stick / "link-out.xml")
    names = {p.name for p in record_files_on([stick])}
    assert names == {"sumehr.xml", "bundle.json"}
    assert MAX_DEPTH == 3
