"""Builds the Rust library with cargo and bundles it inside the package.

- `pip install ./bindings/python` (inside the repository) runs `cargo build --release --lib` on the crate at the
  repository root and copies the shared library into the package.
- The sdist carries the crate in `rust/`, so `pip install cibatch-<version>.tar.gz` builds it the same way; it
  needs Rust (cargo) and says so when it is missing.
- `pip install -e ./bindings/python` builds the library in the repository's target/ and loads it from there.
- The wheel is tagged `py3-none-<platform>`: ctypes only, no CPython extension, so one wheel serves every Python 3.
  `scripts/package.sh` retags it `manylinux_<glibc>` with auditwheel.

CIBATCH_CARGO_MANIFEST names another Cargo.toml; CARGO_TARGET_DIR is honoured.
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

HERE = pathlib.Path(__file__).resolve().parent
LIBRARY = "libcibatch.dylib" if sys.platform == "darwin" else "libcibatch.so"
# What the sdist carries of the crate: enough for `cargo build --release --lib`, plus the file of each target that
# Cargo.toml declares ([[example]], [[bench]], [[test]], [[bin]]): cargo refuses a manifest whose target is missing.
CRATE_FILES = ["Cargo.toml", "Cargo.lock", "build.rs", "cbindgen.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE",
               "include/cibatch.h", "include/cibatch.hpp"]
CRATE_DIRS = ["src"]
TARGET_DIRS = {"example": "examples", "bench": "benches", "test": "tests", "bin": "src/bin"}

NO_CARGO = """cibatch: building from source needs Rust, and `cargo` is not on PATH.
Install Rust with rustup (https://rustup.rs):
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    . "$HOME/.cargo/env"
then run pip again. (Or install a prebuilt cibatch wheel for your platform: it needs no Rust.)"""


def _say(message):
    """Shows a line to the user even while pip captures the build's output (it does unless -v is given)."""
    print(message, file=sys.stderr, flush=True)
    tty = _tty()
    if tty is not None:
        with tty:
            tty.write(message + "\n")


def _tty():
    if sys.stderr.isatty():
        return None  # already visible
    try:
        return open("/dev/tty", "w")
    except OSError:
        return None


def _manifest():
    explicit = os.environ.get("CIBATCH_CARGO_MANIFEST")
    if explicit:
        return pathlib.Path(explicit).resolve(), False
    bundled = HERE / "rust" / "Cargo.toml"  # in an sdist
    if bundled.exists():
        return bundled, True
    return (HERE.parent.parent / "Cargo.toml").resolve(), False


def build_library():
    """Runs cargo and returns the path of the built library."""
    manifest, from_sdist = _manifest()
    if not manifest.exists():
        raise SystemExit(f"cibatch: no Cargo.toml at {manifest}; set CIBATCH_CARGO_MANIFEST to the crate's Cargo.toml")
    cargo = shutil.which("cargo")
    if cargo is None:
        raise SystemExit(NO_CARGO)
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", manifest.parent / "target"))
    command = [cargo, "build", "--release", "--lib", "--manifest-path", str(manifest)]
    if from_sdist:
        command.append("--locked")
    _say(f"cibatch: building the Rust library with cargo into {target} (the first build takes a few minutes)")
    # pip hides a build's output unless -v is given: send cargo's progress to the terminal when there is one.
    tty = _tty()
    try:
        subprocess.check_call(command, env={**os.environ, "CARGO_TARGET_DIR": str(target)},
                              stderr=tty if tty is not None else None)
    except subprocess.CalledProcessError as e:
        raise SystemExit(f"cibatch: `{' '.join(command)}` failed (exit {e.returncode}); its output is above"
                         " (run pip with -v to see it)") from None
    finally:
        if tty is not None:
            tty.close()
    _say("cibatch: Rust library built")
    return target / "release" / LIBRARY


class BuildWithCargo(build_py):
    def run(self):
        super().run()
        built = build_library()
        if getattr(self, "editable_mode", False):
            # An editable install loads the library from the build tree (see cibatch/_ffi.py): nothing to copy.
            _say(f"cibatch: editable install uses {built}; rebuild it with `cargo build --release --lib`")
            return
        dest = pathlib.Path(self.build_lib) / "cibatch"
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, dest / LIBRARY)
        # The package needs no debug information or local symbols: a smaller library loads faster.
        strip = shutil.which("strip")
        if strip and sys.platform != "darwin":
            subprocess.check_call([strip, "--strip-unneeded", str(dest / LIBRARY)])


def declared_target_files(root):
    """The source file of each [[example]], [[bench]], [[test]] and [[bin]] declared in root/Cargo.toml: its
    `path`, else cargo's default (`<dir>/<name>.rs` or `<dir>/<name>/main.rs`)."""
    targets, kind = [], None
    for line in (root / "Cargo.toml").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        header = re.fullmatch(r"\[\[(\w+)\]\]", line)
        if header:
            kind = header.group(1) if header.group(1) in TARGET_DIRS else None
            if kind:
                targets.append({"kind": kind})
        elif line.startswith("["):
            kind = None
        elif kind:
            field = re.fullmatch(r'(name|path)\s*=\s*"([^"]*)"', line)
            if field:
                targets[-1][field.group(1)] = field.group(2)
    files = []
    for target in targets:
        base = TARGET_DIRS[target["kind"]]
        candidates = [target["path"]] if "path" in target else [f"{base}/{target.get('name')}.rs",
                                                                 f"{base}/{target.get('name')}/main.rs"]
        files += [c for c in candidates if (root / c).is_file()][:1]
    return files


class SdistWithCrate(sdist):
    """The sdist carries the Rust crate in rust/, so installing it builds the library."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        root = HERE.parent.parent
        if not (root / "Cargo.toml").exists():
            raise SystemExit("cibatch: an sdist is made inside the repository (the crate is at its root)")
        rust = pathlib.Path(base_dir) / "rust"
        for name in CRATE_DIRS:
            shutil.copytree(root / name, rust / name)
        for name in CRATE_FILES + declared_target_files(root):
            if not (rust / name).exists():
                (rust / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / name, rust / name)


class PlatformWheel(bdist_wheel):
    """ctypes only: any Python 3, this platform."""

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


class NativeDistribution(Distribution):
    """The wheel carries a native library: tag it for this platform, not as pure Python."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithCargo, "sdist": SdistWithCrate, "bdist_wheel": PlatformWheel},
      distclass=NativeDistribution)
