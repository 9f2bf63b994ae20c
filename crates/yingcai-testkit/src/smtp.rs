//! A mail server for tests: [`SmtpSink::start`] listens on a free loopback port, speaks
//! just enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) to take messages, and
//! keeps each one it is given. No TLS and no sign-in: point settings with
//! `starttls = false` at it.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope's sender (`MAIL FROM`).
    pub from: String,
    /// The envelope's recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// The message as sent after `DATA`: headers, a blank line, the body (dot-stuffing
    /// undone, CRLF line ends kept).
    pub data: String,
}

impl ReceivedMail {
    /// The value of header `name` (the first one; folded lines joined).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            match (&mut value, line.starts_with([' ', '\t'])) {
                (Some(v), true) => v.push_str(line),
                (Some(_), false) => break,
                (None, _) => {
                    if let Some((key, rest)) = line.split_once(':')
                        && key.eq_ignore_ascii_case(name)
                    {
                        value = Some(rest.trim().to_owned());
                    }
                }
            }
        }
        value
    }

    /// The body after the headers, as sent (quoted-printable, base64 or plain).
    pub fn raw_body(&self) -> &str {
        self.data
            .split_once("\r\n\r\n")
            .map_or("", |(_, body)| body)
    }

    /// The subject as people read it (RFC 2047 encoded words decoded).
    pub fn subject(&self) -> String {
        decode_words(&self.header("Subject").unwrap_or_default())
    }

    /// The body as people read it: its transfer encoding undone, as UTF-8.
    pub fn text(&self) -> String {
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let body = self.raw_body();
        let bytes = match encoding.as_str() {
            "base64" => {
                let joined: String = body.split_whitespace().collect();
                base64::engine::general_purpose::STANDARD
                    .decode(joined)
                    .unwrap_or_default()
            }
            "quoted-printable" => quoted_printable(&body.replace("=\r\n", "")),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
    }
}

use base64::Engine as _;

/// `=XX` escapes as bytes (soft line breaks already removed).
fn quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// A header value with its `=?charset?B|Q?…?=` words decoded (UTF-8 assumed).
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        // Whitespace between two encoded words is not part of the text.
        if !(after_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        after_word = true;
        let word = &rest[start + 2..];
        let mut parts = word.splitn(3, '?');
        let (Some(_charset), Some(kind), Some(tail)) = (parts.next(), parts.next(), parts.next())
        else {
            out.push_str(&rest[start..]);
            return out;
        };
        let Some(end) = tail.find("?=") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let encoded = &tail[..end];
        let bytes = if kind.eq_ignore_ascii_case("b") {
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap_or_default()
        } else {
            quoted_printable(&encoded.replace('_', " "))
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        rest = &tail[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The running sink; it stops when dropped.
pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port for the SMTP sink");
        let port = listener.local_addr().expect("bound").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn({
            let received = received.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let received = received.clone();
                    tokio::spawn(async move {
                        let _ = session(stream, received).await;
                    });
                }
            }
        });
        SmtpSink {
            port,
            received,
            task,
        }
    }

    /// Every message received so far, in order.
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `<a@b>` (with any parameters after it) as `a@b`.
fn address(argument: &str) -> String {
    let argument = argument.trim();
    match (argument.find('<'), argument.find('>')) {
        (Some(open), Some(close)) if open < close => argument[open + 1..close].to_owned(),
        _ => argument
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

async fn session(
    stream: TcpStream,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end_matches(['\r', '\n']);
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO") {
            b"250 sink.test\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&command["MAIL FROM:".len()..]);
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&command["RCPT TO:".len()..]));
            b"250 OK\r\n"
        } else if upper == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                // Dot-stuffing: a line that starts with a dot was sent with two.
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            if let Ok(mut received) = received.lock() {
                received.push(ReceivedMail {
                    from: from.clone(),
                    to: std::mem::take(&mut to),
                    data,
                });
            }
            b"250 OK: queued\r\n"
        } else if upper == "RSET" {
            (from, to) = (String::new(), Vec::new());
            b"250 OK\r\n"
        } else if upper == "NOOP" {
            b"250 OK\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            b"502 Command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}
