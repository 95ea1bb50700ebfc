//! Building a client: checking its configuration, and the agent with its TLS roots, proxy and resolver.

use super::Client;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::transport::WatchedConnector;
use crate::validate;
use std::sync::atomic::{AtomicI64, AtomicU64};
use std::sync::Arc;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

impl Client {
    /// Checks the configuration (nothing is sent) and builds the client.
    pub fn new(config: Config) -> Result<Client> {
        validate::bucket(&config.bucket)?;
        validate::region(&config.region)?;
        validate::header_value("secret_id", config.credentials.secret_id())?;
        let no_keys = config.credentials.secret_id().is_empty() || config.credentials.secret_key().is_empty();
        if no_keys && config.credentials_provider.is_none() {
            return Err(Error::invalid("credentials", "SecretId and SecretKey must not be empty"));
        }
        if let Some(t) = config.credentials.token() {
            validate::header_value("token", t)?;
        }
        validate::header_value("user_agent", &config.user_agent)?;
        config.check_limits()?;
        let (base_url, host) = match &config.endpoint {
            Some(e) => {
                let e = validate::endpoint(e)?;
                (e.base_url(), e.authority())
            }
            None => {
                let host = format!("{}.ci.{}.myqcloud.com", config.bucket, config.region);
                (format!("{}://{host}", if config.https { "https" } else { "http" }), host)
            }
        };
        let proxy = match &config.proxy {
            Some(url) => Some(
                ureq::Proxy::new(url)
                    .map_err(|e| Error::invalid("proxy", format!("{url:?} is not a proxy URL: {e}")))?,
            ),
            None => ureq::Proxy::try_from_env(),
        };
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(path) = &config.ca_bundle {
            tls = tls.root_certs(load_ca_bundle(path)?);
        }
        let agent_config = ureq::Agent::config_builder()
            .tls_config(tls.build())
            .proxy(proxy)
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(config.timeout))
            .timeout_connect(Some(config.connect_timeout))
            .timeout_per_read(Some(config.read_timeout))
            .user_agent(config.user_agent.as_str())
            .max_idle_connections(64)
            .max_idle_connections_per_host(32)
            .build();
        let agent = ureq::Agent::with_parts(agent_config, WatchedConnector::default(), IpLiteralResolver::default());
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        let clock_offset = Arc::new(AtomicI64::new(config.clock_offset));
        // Configured credentials never expire; provided ones are asked for on first use.
        let fixed_credentials = match config.credentials_provider {
            None => Some(Arc::new(config.credentials.clone())),
            Some(_) => None,
        };
        Ok(Client {
            config: Arc::new(config),
            agent,
            base_url: base_url.into(),
            host: host.into(),
            jitter: AtomicU64::new(seed | 1),
            deadline: None,
            cancel: None,
            clock_offset,
            signer: Arc::default(),
            fixed_credentials,
            provided: Arc::default(),
        })
    }

    /// A client configured by [`Config::from_env`].
    pub fn from_env() -> Result<Client> {
        Client::new(Config::from_env()?)
    }
}

/// The root certificates of a PEM file, for a private CA.
fn load_ca_bundle(path: &std::path::Path) -> Result<ureq::tls::RootCerts> {
    let pem =
        std::fs::read(path).map_err(|e| Error::invalid("ca_bundle", format!("cannot read {}: {e}", path.display())))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => return Err(Error::invalid("ca_bundle", format!("{} is not valid PEM: {e}", path.display()))),
        }
    }
    if certs.is_empty() {
        return Err(Error::invalid("ca_bundle", format!("{} holds no certificate", path.display())));
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

/// Resolves IP-literal hosts (`127.0.0.1`, `[::1]`) directly; names go to ureq's resolver. ureq's resolver
/// runs every lookup under a timeout on a new thread, which an address that needs no lookup should not cost.
#[derive(Debug, Default)]
struct IpLiteralResolver {
    names: DefaultResolver,
}

impl Resolver for IpLiteralResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = host.parse::<std::net::IpAddr>() {
            let default_port = if uri.scheme_str() == Some("https") { 443 } else { 80 };
            let mut addrs = self.empty();
            addrs.push(std::net::SocketAddr::new(ip, uri.port_u16().unwrap_or(default_port)));
            return Ok(addrs);
        }
        self.names.resolve(uri, config, timeout)
    }
}
