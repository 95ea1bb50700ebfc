//! Every worked signature example of the spec (`shared/spec/ci-batch-jobs.md`, section 5).

use cibatch::signer::{authorization, signature, SignInput};

const PY_ID: &str = "AKIDtestSecretId1234567890abcdef";
const PY_KEY: &str = "testSecretKey1234567890abcdefghij";
const HOST: &str = "examplebucket-1250000000.ci.ap-beijing.myqcloud.com";
const JOB: &str = "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9";

fn input<'a>(
    method: &'a str,
    path: &'a str,
    params: &'a [(&'a str, &'a str)],
    headers: &'a [(&'a str, &'a str)],
    start: i64,
    end: i64,
) -> SignInput<'a> {
    SignInput { method, path, params, headers, secret_id: PY_ID, secret_key: PY_KEY, start, end }
}

#[test]
fn example1_go_sdk_unit_test() {
    let headers = [
        ("x-cos-stroage-class", "nearline"),
        ("Host", "testbucket-125000000.cos.ap-guangzhou.myqcloud.com"),
        ("x-cos-content-sha1", "db8ac1c259eb89d4a131b253bacfca5f319d54f2"),
    ];
    let inp = SignInput {
        method: "PUT",
        path: "/testfile2",
        params: &[],
        headers: &headers,
        secret_id: "QmFzZTY0IGlzIGEgZ2VuZXJp",
        secret_key: "AKIDZfbOA78asKUYBcXFrJD0a1ICvR98JM",
        start: 1480932292,
        end: 1481012292,
    };
    let s = signature(&inp);
    assert_eq!(s.sign_key, "95d110a8ead64cac52083100db75b7e3f369e72f");
    assert_eq!(s.string_to_sign.lines().nth(2), Some("113b22e92b74237531fafbfc8bb9e67be55645c7"));
    assert_eq!(s.signature, "ce4ac0ecbcdb30538b3fee0a97cc6389694ce53a");
    assert_eq!(s.header_list, "host;x-cos-content-sha1;x-cos-stroage-class");
    assert_eq!(
        authorization(&inp),
        "q-sign-algorithm=sha1&q-ak=QmFzZTY0IGlzIGEgZ2VuZXJp&q-sign-time=1480932292;1481012292&q-key-time=1480932292;1481012292&q-header-list=host;x-cos-content-sha1;x-cos-stroage-class&q-url-param-list=&q-signature=ce4ac0ecbcdb30538b3fee0a97cc6389694ce53a"
    );
}

#[test]
fn example2_python_describe() {
    let h = [("host", HOST)];
    let s = signature(&input("GET", JOB, &[], &h, 1699999940, 1700010000));
    assert_eq!(s.signature, "6b3df850d92e7c8feee62297ad13e6c4c4146cce");
    assert_eq!(s.header_list, "host");
    assert_eq!(s.url_param_list, "");
}

#[test]
fn example2_python_list_with_empty_values_any_order() {
    let h = [("Host", HOST)];
    let params = [
        ("type", "Workflow"),
        ("orderByTime", "Desc"),
        ("states", "All"),
        ("size", "10"),
        ("nextToken", ""),
        ("workflowId", ""),
        ("jobId", ""),
    ];
    let s = signature(&input("GET", "/inventorytriggerjob", &params, &h, 1699999940, 1700010000));
    assert_eq!(s.url_param_list, "jobid;nexttoken;orderbytime;size;states;type;workflowid");
    assert_eq!(s.signature, "06d1dfe4851659c8e7717b4c139d6d930b9ee440");
    let mut reversed = params;
    reversed.reverse();
    let s2 = signature(&input("GET", "/inventorytriggerjob", &reversed, &h, 1699999940, 1700010000));
    assert_eq!(s2.signature, s.signature);
}

#[test]
fn example2_python_token_header() {
    // User-Agent is never signed, so passing it changes nothing.
    let h = [("x-ci-security-token", "tok+en/="), ("User-Agent", "x"), ("host", HOST)];
    let s = signature(&input("GET", JOB, &[], &h, 1699999940, 1700010000));
    assert_eq!(s.header_list, "host;x-ci-security-token");
    assert_eq!(s.signature, "38f755b255067e70cff2766489df6aaa040ac12a");
}

#[test]
fn example2_python_cancel_put() {
    let h = [("content-length", "0"), ("host", HOST)];
    let s = signature(&input("PUT", JOB, &[], &h, 1699999940, 1700010000));
    assert_eq!(s.header_list, "content-length;host");
    assert_eq!(s.signature, "d687fa9d8555b6b63e320911d45f876bc6960544");
}

#[test]
fn example3_go_describe_and_list() {
    let h = [("host", HOST)];
    let s = signature(&input("GET", JOB, &[], &h, 1700000000, 1700003600));
    assert_eq!(s.signature, "7195c8691b3c4fd5377ea4939bbfe24215ec670b");

    let params = [
        ("states", "Running,Failed"),
        ("name", "a b/c"),
        ("type", "Job"),
        ("nextToken", "25"),
        ("startCreationTime", "2022-02-25T12:00:00+0800"),
        ("orderByTime", "Asc"),
        ("size", "5"),
    ];
    let s = signature(&input("GET", "/inventorytriggerjob", &params, &h, 1700000000, 1700003600));
    assert_eq!(
        s.http_string.lines().nth(2),
        Some("name=a%20b%2Fc&nexttoken=25&orderbytime=Asc&size=5&startcreationtime=2022-02-25T12%3A00%3A00%2B0800&states=Running%2CFailed&type=Job")
    );
    assert_eq!(s.signature, "b3c3b93bcde98c7dff8a70619456b2e83ed80b34");
}

#[test]
fn debug_of_sign_input_hides_the_key() {
    let h = [("host", HOST)];
    let dbg = format!("{:?}", input("GET", JOB, &[], &h, 1, 2));
    assert!(!dbg.contains(PY_KEY), "{dbg}");
    assert!(dbg.contains(PY_ID));
}
