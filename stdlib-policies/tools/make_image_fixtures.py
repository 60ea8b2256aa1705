#!/usr/bin/env python3
"""Writes the small `docker save`-style image archives the standard library's image tests read.

Run from the repository root: python3 stdlib-policies/tools/make_image_fixtures.py
Output is deterministic (fixed mtimes, owners and order), so re-running it gives byte-identical archives.
Every secret in these images is a fake string made for tests.
"""
import hashlib
import io
import json
import os
import tarfile

OUT = "stdlib-policies/src/main/resources/org/codomyrmex/policy/stdlib/testdata"
MTIME = 1700000000


def layer(entries):
    """A layer tar from (path, kind, mode, content, uid) tuples; kind is 'dir', 'file' or 'symlink'."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, kind, mode, content, uid in entries:
            info = tarfile.TarInfo(path)
            info.mtime = MTIME
            info.mode = mode
            info.uid = info.gid = uid
            info.uname = info.gname = ""
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = content
                tar.addfile(info)
            else:
                data = content.encode()
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def archive(name, ref, layers, history, config_extra):
    blobs = [layer(l) for l in layers]
    diff_ids = ["sha256:" + hashlib.sha256(b).hexdigest() for b in blobs]
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "2999-01-01T00:00:00Z",
        "config": config_extra,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }
    config_bytes = json.dumps(config, indent=2, sort_keys=True).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    layer_names = [d.split(":")[1] + ".tar" for d in diff_ids]
    manifest = [{"Config": config_name, "RepoTags": [ref], "Layers": layer_names}]
    files = [("manifest.json", json.dumps(manifest, indent=2).encode()), (config_name, config_bytes)]
    files += list(zip(layer_names, blobs))
    with tarfile.open(os.path.join(OUT, name), mode="w", format=tarfile.PAX_FORMAT) as tar:
        for fname, data in files:
            info = tarfile.TarInfo(fname)
            info.mtime = MTIME
            info.mode = 0o644
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


FAKE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nFAKEKEYFORTESTSONLYnotarealkeyFAKEKEYFORTESTSONLY\n-----END OPENSSH PRIVATE KEY-----\n"

# An image that leaks: credential files, a token inside a config file, setuid and world-writable files,
# package-manager caches left behind.
archive(
    "leaky-image.tar", "example/leaky:1.0",
    [
        [
            ("etc", "dir", 0o755, "", 0),
            ("etc/passwd", "file", 0o644, "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n", 0),
            ("tmp", "dir", 0o1777, "", 0),
            ("usr", "dir", 0o755, "", 0),
            ("usr/local", "dir", 0o755, "", 0),
            ("usr/local/bin", "dir", 0o755, "", 0),
            ("usr/local/bin/helper", "file", 0o4755, "#!/bin/sh\necho helper\n", 0),
            ("usr/local/bin/grouptool", "file", 0o2755, "#!/bin/sh\necho group\n", 0),
            ("var", "dir", 0o755, "", 0),
            ("var/lib", "dir", 0o755, "", 0),
            ("var/lib/apt", "dir", 0o755, "", 0),
            ("var/lib/apt/lists", "dir", 0o755, "", 0),
            ("var/lib/apt/lists/lock", "file", 0o640, "", 0),
            ("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", "file", 0o644, "Origin: Debian\n", 0),
            ("root", "dir", 0o700, "", 0),
            ("root/.cache", "dir", 0o755, "", 0),
            ("root/.cache/pip", "dir", 0o755, "", 0),
            ("root/.cache/pip/selfcheck.json", "file", 0o644, "{}\n", 0),
            ("root/.ssh", "dir", 0o700, "", 0),
            ("root/.ssh/id_rsa", "file", 0o600, FAKE_KEY, 0),
            ("root/.ssh/id_rsa.pub", "file", 0o644, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFAKE tests\n", 0),
        ],
        [
            ("app", "dir", 0o755, "", 1000),
            ("app/.env", "file", 0o644, "DB_HOST=db\nDB_PASSWORD=fake-password-for-tests\n", 1000),
            ("app/.env.example", "file", 0o644, "DB_HOST=db\nDB_PASSWORD=\n", 1000),
            ("app/config.js", "file", 0o644, "module.exports = { awsKey: 'AKIAIOSFODNN7EXAMPLE', region: 'eu-west-1' };\n", 1000),
            ("app/shared", "dir", 0o777, "", 1000),
            ("app/shared/notes.txt", "file", 0o666, "scratch\n", 1000),
            ("app/env-link", "symlink", 0o777, "/app/.env", 1000),
            ("home", "dir", 0o755, "", 0),
            ("home/app", "dir", 0o755, "", 1000),
            ("home/app/.aws", "dir", 0o700, "", 1000),
            ("home/app/.aws/credentials", "file", 0o600, "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", 1000),
            ("home/app/.npmrc", "file", 0o600, "//registry.npmjs.org/:_authToken=npm_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE\n", 1000),
        ],
    ],
    [
        {"created": "2999-01-01T00:00:00Z", "created_by": "COPY rootfs/ / # buildkit"},
        {"created": "2999-01-01T00:00:00Z", "created_by": "COPY app/ /app/ # buildkit"},
    ],
    {"Cmd": ["/app/server"], "User": "1000"},
)

# A tidy image: no secrets, no setuid files, no caches, a sticky /tmp only.
archive(
    "tidy-image.tar", "example/tidy:1.0",
    [
        [
            ("etc", "dir", 0o755, "", 0),
            ("etc/passwd", "file", 0o644, "root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001::/app:/sbin/nologin\n", 0),
            ("tmp", "dir", 0o1777, "", 0),
            ("app", "dir", 0o755, "", 0),
            ("app/server", "file", 0o755, "#!/bin/sh\nexec sleep infinity\n", 0),
            ("app/config.yaml", "file", 0o644, "listen: 8080\nlog_level: info\n", 0),
            ("app/.env.example", "file", 0o644, "DB_PASSWORD=\n", 0),
            ("var", "dir", 0o755, "", 0),
            ("var/lib", "dir", 0o755, "", 0),
            ("var/lib/apt", "dir", 0o755, "", 0),
            ("var/lib/apt/lists", "dir", 0o755, "", 0),
            ("var/lib/apt/lists/lock", "file", 0o640, "", 0),
        ],
    ],
    [{"created": "2999-01-01T00:00:00Z", "created_by": "COPY rootfs/ / # buildkit"}],
    {"Cmd": ["/app/server"], "User": "10001",
     "Healthcheck": {"Test": ["CMD", "/app/server", "--check"], "Interval": 30000000000},
     "Labels": {"org.opencontainers.image.source": "https://example.com/tidy"}},
)
