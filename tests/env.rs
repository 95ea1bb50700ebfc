//! Configuration from the environment. One test per process section: the environment is process-wide.

mod common;

use cibatch::{Client, Config, Credentials, Error, ListOptions};

fn clear() {
    for v in [
        "CIBATCH_BUCKET",
        "CIBATCH_REGION",
        "CIBATCH_ENDPOINT",
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_SESSION_TOKEN",
        "COS_SECRET_ID",
        "COS_SECRET_KEY",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        std::env::remove_var(v);
    }
}

#[test]
fn credentials_and_config_from_the_environment() {
    clear();
    assert!(matches!(Credentials::from_env(), Err(Error::InvalidInput { argument: "credentials", .. })));
    std::env::set_var("COS_SECRET_ID", "cos-id");
    std::env::set_var("COS_SECRET_KEY", "cos-key");
    assert_eq!(Credentials::from_env().unwrap().secret_id(), "cos-id");
    std::env::set_var("TENCENTCLOUD_SECRET_ID", "tc-id");
    std::env::set_var("TENCENTCLOUD_SECRET_KEY", "tc-key");
    std::env::set_var("TENCENTCLOUD_SESSION_TOKEN", "tc-token");
    let c = Credentials::from_env().unwrap();
    assert_eq!(c.secret_id(), "tc-id", "TENCENTCLOUD_* wins over COS_*");
    assert!(format!("{c:?}").contains("token: Some(\"<redacted>\")"));

    assert!(matches!(Config::from_env(), Err(Error::InvalidInput { argument: "bucket", .. })));
    std::env::set_var("CIBATCH_BUCKET", "examplebucket-1250000000");
    assert!(matches!(Config::from_env(), Err(Error::InvalidInput { argument: "region", .. })));
    std::env::set_var("CIBATCH_REGION", "ap-beijing");
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "https://examplebucket-1250000000.ci.ap-beijing.myqcloud.com");
    std::env::set_var("CIBATCH_ENDPOINT", "http://127.0.0.1:9000");
    assert_eq!(Client::from_env().unwrap().base_url(), "http://127.0.0.1:9000");
    clear();

    // HTTPS_PROXY is honoured, and NO_PROXY exempts hosts from it.
    let emu = cibatch::emulator::Emulator::start(Default::default()).unwrap();
    let (proxy, tunnels) = common::connect_proxy();
    let endpoint = format!("http://emulator.invalid:{}", emu.port());
    std::env::set_var("HTTPS_PROXY", &proxy);
    let via_env = Client::new(emu.client_config().endpoint(&endpoint)).unwrap();
    via_env.list_jobs(&ListOptions::default()).unwrap();
    assert!(tunnels.load(std::sync::atomic::Ordering::SeqCst) >= 1, "the request went through HTTPS_PROXY");
    std::env::set_var("NO_PROXY", "emulator.invalid");
    let exempt = Client::new(emu.client_config().endpoint(&endpoint).max_attempts(1)).unwrap();
    let err = exempt.list_jobs(&ListOptions::default()).unwrap_err();
    assert_eq!(err.kind(), cibatch::ErrorKind::Transport, "without the proxy the name does not resolve: {err}");
    clear();

    // ALL_PROXY and HTTP_PROXY each work alone; with several set, ALL_PROXY wins over HTTPS_PROXY, which wins over
    // HTTP_PROXY (whatever the endpoint's scheme).
    let used = |vars: &[&str]| -> Vec<usize> {
        clear();
        let proxies: Vec<_> = vars.iter().map(|_| common::connect_proxy()).collect();
        for (var, (url, _)) in vars.iter().zip(&proxies) {
            std::env::set_var(var, url);
        }
        let c = Client::new(emu.client_config().endpoint(&endpoint).max_attempts(1)).unwrap();
        c.list_jobs(&ListOptions::default()).unwrap_or_else(|e| panic!("through {vars:?}: {e}"));
        clear();
        proxies.iter().map(|(_, n)| n.load(std::sync::atomic::Ordering::SeqCst)).collect()
    };
    assert_eq!(used(&["ALL_PROXY"]), [1]);
    assert_eq!(used(&["HTTP_PROXY"]), [1]);
    assert_eq!(used(&["ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY"]), [1, 0, 0]);
    assert_eq!(used(&["HTTPS_PROXY", "HTTP_PROXY"]), [1, 0]);
    assert_eq!(used(&["HTTP_PROXY", "ALL_PROXY"]), [0, 1]);
}

#[test]
fn client_is_send_and_sync() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Client>();
    shareable::<cibatch::emulator::Emulator>();
}
