//! A real browser for end-to-end tests: Debian's `chromium` driven over WebDriver by
//! `chromedriver`, headless, with no network beyond localhost.
//!
//! [`Browser::start`] returns `None` when no driver is installed, so a developer without
//! Chromium can still run the suite; CI sets `TEST_REQUIRE_BROWSER=1`, which turns a
//! missing driver into a failure instead of a skip.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;

pub struct Browser {
    pub client: Client,
    _driver: tokio::process::Child,
    _profile: PathBuf,
}

fn find(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env) {
        return Some(PathBuf::from(path));
    }
    candidates
        .iter()
        .map(Path::new)
        .find(|p| p.exists())
        .map(Path::to_path_buf)
}

impl Browser {
    /// Starts chromedriver and a headless Chromium whose preferred language is `accept_language`.
    pub async fn start(accept_language: &str) -> Option<Browser> {
        let required = std::env::var("TEST_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        let driver_path = find(
            "CHROMEDRIVER",
            &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        );
        let chrome_path = find(
            "CHROME_BIN",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        );
        let (Some(driver_path), Some(chrome_path)) = (driver_path, chrome_path) else {
            assert!(
                !required,
                "TEST_REQUIRE_BROWSER=1 but chromium/chromedriver are not installed"
            );
            eprintln!(
                "skipping browser test: chromium and chromedriver not installed (apt-get install chromium chromium-driver)"
            );
            return None;
        };
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            probe.local_addr().expect("addr").port()
        };
        let driver = tokio::process::Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start chromedriver");
        let profile =
            std::env::temp_dir().join(format!("yingcai-chrome-{port}-{}", std::process::id()));
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chrome_path,
                // The background-networking flags keep Chromium from calling out: the
                // machine's network is closed and refused connections slow it down.
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--lang={accept_language}"),
                ],
                "prefs": { "intl.accept_languages": accept_language }
            }
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..100 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        _driver: driver,
                        _profile: profile,
                    });
                }
                Err(error) => {
                    last_error = error.to_string();
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("could not start a browser session: {last_error}");
    }

    /// Ends the session (the driver process dies with `self`).
    pub async fn close(self) {
        let _ = self.client.close().await;
        let _ = std::fs::remove_dir_all(&self._profile);
    }
}
