//! Configuration from the environment. One test per process section: the environment is process-wide.

use cibatch::{Client, Config, Credentials, Error};

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
}

#[test]
fn client_is_send_and_sync() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Client>();
    shareable::<cibatch::emulator::Emulator>();
}
