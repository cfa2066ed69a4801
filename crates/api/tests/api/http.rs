//! A minimal HTTP/1.1 client over a real socket, for the tests that use a listener: one-shot
//! requests and a reader of server-sent events (de-chunking the response body).

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Sends `GET path` with `Connection: close`; returns the status and the body.
pub async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sse {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
}

/// An open `text/event-stream` response.
pub struct SseClient {
    reader: BufReader<TcpStream>,
    /// De-chunked text not yet parsed into events.
    pending: String,
    pub status: u16,
    pub content_type: String,
}

impl SseClient {
    /// Opens `GET path` with extra header lines (each `Name: value`).
    pub async fn open(addr: SocketAddr, path: &str, headers: &[&str]) -> Self {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let mut req =
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n");
        for h in headers {
            req.push_str(h);
            req.push_str("\r\n");
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut reader = BufReader::new(s);
        let mut status = 0;
        let mut content_type = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(rest) = line.strip_prefix("HTTP/1.1 ") {
                status = rest[..3].parse().unwrap();
            } else if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-type")
            {
                content_type = value.trim().to_string();
            }
        }
        Self {
            reader,
            pending: String::new(),
            status,
            content_type,
        }
    }

    /// Reads one chunk of the chunked body; `false` at the end of the body.
    async fn read_chunk(&mut self) -> bool {
        let mut size_line = String::new();
        if self.reader.read_line(&mut size_line).await.unwrap() == 0 {
            return false;
        }
        let size = usize::from_str_radix(size_line.trim(), 16).unwrap();
        let mut chunk = vec![0u8; size + 2];
        self.reader.read_exact(&mut chunk).await.unwrap();
        if size == 0 {
            return false;
        }
        self.pending
            .push_str(&String::from_utf8_lossy(&chunk[..size]));
        true
    }

    /// The next event (comments skipped), or `None` when the stream ends; panics after 10 s.
    pub async fn next(&mut self) -> Option<Sse> {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Some(end) = self.pending.find("\n\n") {
                    let block: String = self.pending[..end].to_string();
                    self.pending.drain(..end + 2);
                    let mut ev = Sse {
                        id: None,
                        event: None,
                        data: String::new(),
                    };
                    let mut any = false;
                    for line in block.lines() {
                        if let Some(v) = line.strip_prefix("id:") {
                            ev.id = Some(v.trim().to_string());
                            any = true;
                        } else if let Some(v) = line.strip_prefix("event:") {
                            ev.event = Some(v.trim().to_string());
                            any = true;
                        } else if let Some(v) = line.strip_prefix("data:") {
                            ev.data.push_str(v.trim_start());
                            any = true;
                        }
                    }
                    if any {
                        return Some(ev);
                    }
                    continue;
                }
                if !self.read_chunk().await {
                    return None;
                }
            }
        })
        .await
        .expect("no server-sent event within 10 s")
    }
}
