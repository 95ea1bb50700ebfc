"""Builds the Rust library with cargo and bundles it inside the package.

`pip install ./bindings/python` runs `cargo build --release --lib` on the crate at the repository root (or at
CIBATCH_CARGO_MANIFEST) and copies the shared library into the wheel, so `import cibatch` needs nothing else.
"""
import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = pathlib.Path(__file__).resolve().parent
LIBRARY = "libcibatch.dylib" if sys.platform == "darwin" else "libcibatch.so"


class BuildWithCargo(build_py):
    def run(self):
        super().run()
        manifest = pathlib.Path(os.environ.get("CIBATCH_CARGO_MANIFEST", HERE.parent.parent / "Cargo.toml")).resolve()
        if not manifest.exists():
            raise SystemExit(f"cibatch: no Cargo.toml at {manifest}; set CIBATCH_CARGO_MANIFEST")
        target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", manifest.parent / "target"))
        subprocess.check_call(["cargo", "build", "--release", "--lib", "--manifest-path", str(manifest)],
                              env={**os.environ, "CARGO_TARGET_DIR": str(target)})
        dest = pathlib.Path(self.build_lib) / "cibatch"
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target / "release" / LIBRARY, dest / LIBRARY)
        # The wheel needs no debug information: a smaller library loads faster and maps less memory.
        strip = shutil.which("strip")
        if strip and sys.platform != "darwin":
            subprocess.call([strip, "--strip-debug", str(dest / LIBRARY)])


class NativeDistribution(Distribution):
    """The wheel carries a native library: tag it for this platform, not as pure Python."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithCargo}, distclass=NativeDistribution)
