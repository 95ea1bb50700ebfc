//! Build-tree conveniences for C users of `libcibatch`:
//! - the shared library gets a versioned SONAME (`libcibatch.so.MAJOR`) on Linux, with a
//!   `libcibatch.so.MAJOR -> libcibatch.so` link beside it so programs linked in the build tree run;
//! - `cibatch.pc` beside the libraries, for `pkg-config` against the build tree
//!   (`PKG_CONFIG_PATH=target/release pkg-config --cflags --libs cibatch`).

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcibatch.so.{major}");
    }
    // OUT_DIR is <target>/<profile>/build/cibatch-<hash>/out: the libraries land in <target>/<profile>.
    let Some(lib_dir) =
        std::env::var_os("OUT_DIR").map(PathBuf::from).and_then(|p| p.ancestors().nth(3).map(Path::to_path_buf))
    else {
        return;
    };
    let include_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("include");
    let pc = format!(
        "libdir={}\nincludedir={}\n\nName: cibatch\nDescription: Client for Tencent Cloud Cloud Infinite batch data-processing jobs\n\
         Version: {version}\nLibs: -L${{libdir}} -lcibatch\nLibs.private: -lpthread -ldl -lm\nCflags: -I${{includedir}}\n",
        lib_dir.display(),
        include_dir.display()
    );
    let _ = std::fs::write(lib_dir.join("cibatch.pc"), pc);
    #[cfg(unix)]
    if linux {
        let link = lib_dir.join(format!("libcibatch.so.{major}"));
        if std::fs::symlink_metadata(&link).is_err() {
            let _ = std::os::unix::fs::symlink("libcibatch.so", &link);
        }
    }
}
