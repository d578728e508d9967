//! Polymarket's geoblock check (`GET https://polymarket.com/api/geoblock`):
//! whether it serves this host's IP, and where it places it.

use std::time::Duration;

use url::Url;

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Geoblock {
    /// Orders from this IP are rejected.
    pub blocked: bool,
    /// The IP Polymarket sees.
    #[serde(default)]
    pub ip: Option<String>,
    /// Its country code.
    #[serde(default)]
    pub country: Option<String>,
    /// Its region code.
    #[serde(default)]
    pub region: Option<String>,
}

/// Asks `url`, waiting at most `timeout`; the error says what went wrong.
pub async fn ask(url: &Url, timeout: Duration) -> Result<Geoblock, String> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let response = client
        .get(url.clone())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("GET {url} answered {status}"));
    }
    response
        .json::<Geoblock>()
        .await
        .map_err(|e| format!("GET {url} answered something that is not a geoblock answer: {e}"))
}
