//! Harness for black-box tests of the real `aigov` binary: a node started as
//! `aigov dev --data-dir <tempdir> --listen 127.0.0.1:<free port>`, reached over its real HTTP
//! API on loopback with [aigov_client::Client] (and a raw HTTP/1.1 client over
//! [std::net::TcpStream] for malformed requests and the event stream), and the CLI run as a
//! child process.
//!
//! A node is killed with SIGKILL when its [Node] is dropped, including while a failing test
//! unwinds. A node in a `static` is never dropped, so every node also has a watchdog: a shell
//! that blocks reading a pipe from this process and, once the pipe closes (this process exited,
//! however it exited), kills the node and removes its folder.

use aigov_client::Client;
use aigov_types::api::{ErrorBody, TxStatus};
use aigov_types::codec::{BoundedString, Hash, Slug};
use aigov_types::personnel::{PersonnelCall, RegisterPersonnel, Role, Roles};
use aigov_types::{Call, PrivateKey, SignedTx};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_aigov");

/// Longest wait for a node to serve `/v1/health` at height >= 1.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a transaction may take to be finalized before a test fails.
pub const FINALITY_TIMEOUT: Duration = Duration::from_secs(20);

/// Gas limit of the test transactions: above a registration's cost (about 7 700).
pub const GAS_LIMIT: u64 = 100_000;

// ---------------------------------------------------------------------------------------------
// Temporary folders

/// Creates a fresh folder `aigov-cli-test-<pid>-<n>-<nanos>` under the system's temporary
/// folder. Its [Node] (or the node's watchdog) removes it.
fn fresh_temp_dir() -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path = std::env::temp_dir().join(format!(
        "aigov-cli-test-{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&path).expect("creating a temporary folder");
    path
}

// ---------------------------------------------------------------------------------------------
// The node

/// A running `aigov dev` node on its own data folder.
pub struct Node {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The API address.
    pub addr: SocketAddr,
    /// The folder holding `data/` (the node's data folder) and `node.log`.
    root: PathBuf,
    /// Whether dropping the node removes `root`.
    remove_root: bool,
    child: Option<Child>,
    watchdog: Option<Child>,
}

impl Node {
    /// Starts a node on a fresh chain in a temporary folder; the folder is removed when the
    /// node is dropped.
    pub fn start() -> Self {
        let root = fresh_temp_dir();
        let mut node = Self {
            url: String::new(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            root,
            remove_root: true,
            child: None,
            watchdog: None,
        };
        node.launch();
        node
    }

    /// The node's data folder (`--data-dir`, also the CLI's `--home`).
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    /// The chain's genesis file.
    pub fn genesis_path(&self) -> PathBuf {
        self.data_dir().join("genesis.json")
    }

    /// A folder for the test's own files (proofs, ...), inside the node's folder.
    pub fn scratch(&self) -> PathBuf {
        let dir = self.root.join("scratch");
        std::fs::create_dir_all(&dir).expect("creating the scratch folder");
        dir
    }

    /// The node's log so far (stdout and stderr of every run).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.root.join("node.log")).unwrap_or_default()
    }

    /// A typed API client of this node.
    pub fn client(&self) -> Client {
        Client::with_timeout(&self.url, Duration::from_secs(10))
    }

    /// A key of the demo keystore (`alice`, `bob`, ..., `lab`, `datacenter`, or one created
    /// with `aigov keys new`).
    pub fn key(&self, name: &str) -> PrivateKey {
        let path = self.data_dir().join("keystore").join(format!("{name}.pem"));
        aigov_chain::setup::read_key(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }

    /// The chain id.
    pub fn chain_id(&self) -> Slug {
        let health = self.client().health().expect("GET /v1/health");
        Slug::new(health.chain_id.as_str()).expect("the node's chain id is a slug")
    }

    /// Starts the binary (again) on the data folder: picks a free port, and if another
    /// process takes it before the node binds it, picks another.
    fn launch(&mut self) {
        let mut last_log = String::new();
        for _attempt in 0..5 {
            let port = free_port();
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.root.join("node.log"))
                .expect("opening node.log");
            let before = self.log().len();
            let child = Command::new(BIN)
                .arg("dev")
                .arg("--data-dir")
                .arg(self.data_dir())
                .arg("--listen")
                .arg(addr.to_string())
                .env_remove("AIGOV_NODE")
                .env_remove("AIGOV_KEY")
                .env_remove("AIGOV_HOME")
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("cloning the log handle"))
                .stderr(log)
                .spawn()
                .expect("spawning aigov dev");
            self.watchdog = Some(spawn_watchdog(child.id(), &self.root));
            self.child = Some(child);
            self.url = format!("http://{addr}");
            self.addr = addr;
            match self.wait_ready() {
                Ok(()) => return,
                Err(exited) => {
                    self.kill9();
                    last_log = self.log().get(before..).unwrap_or_default().to_string();
                    if exited && last_log.contains("cannot listen") {
                        continue; // the port was taken meanwhile: try another one
                    }
                    panic!("aigov dev did not start; its log:\n{last_log}");
                }
            }
        }
        panic!("aigov dev could not bind a port in 5 attempts; its last log:\n{last_log}");
    }

    /// Waits until `/v1/health` reports height >= 1. `Err(true)` if the process exited,
    /// `Err(false)` on timeout.
    fn wait_ready(&mut self) -> Result<(), bool> {
        let client = Client::with_timeout(&self.url, Duration::from_secs(2));
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut()
                && child.try_wait().expect("polling aigov dev").is_some()
            {
                return Err(true);
            }
            if let Ok(h) = client.health()
                && h.height >= 1
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(false)
    }

    /// Kills the node with SIGKILL (no shutdown of any kind) and reaps it.
    pub fn kill9(&mut self) {
        // The watchdog goes first: it must never signal a process id that was reaped already.
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the node again on the same data folder (on a new port).
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "restart a node after killing it");
        self.launch();
    }

    /// Runs the CLI against this node: `aigov --home DATA --node URL ARGS...`, in the scratch
    /// folder, with no `AIGOV_*` variable from the environment.
    pub fn cli(&self, args: &[&str]) -> Output {
        cli_at(&self.data_dir(), &self.url, args, Some(&self.scratch()))
    }

    /// Waits until nothing is pending in the mempool.
    pub fn wait_mempool_empty(&self) {
        let client = self.client();
        let deadline = Instant::now() + FINALITY_TIMEOUT;
        loop {
            let h = client.health().expect("GET /v1/health");
            if h.mempool == 0 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} transactions still pending after {FINALITY_TIMEOUT:?}",
                h.mempool
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the chain is past `height`.
    pub fn wait_height_above(&self, height: u64, timeout: Duration) -> u64 {
        let client = self.client();
        let deadline = Instant::now() + timeout;
        loop {
            let h = client.health().expect("GET /v1/health").height;
            if h > height {
                return h;
            }
            assert!(
                Instant::now() < deadline,
                "the chain stayed at height {h} for {timeout:?} (wanted > {height})"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill9();
        if self.remove_root {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// A port that was free a moment ago (bound on 127.0.0.1:0, then released).
/// Runs `aigov --home HOME --node URL ARGS...` (in `cwd`, if given) with no `AIGOV_*` variable
/// from the environment and quiet logs.
pub fn cli_at(home: &Path, url: &str, args: &[&str], cwd: Option<&Path>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--home")
        .arg(home)
        .arg("--node")
        .arg(url)
        .args(args);
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    cmd.env_remove("AIGOV_NODE")
        .env_remove("AIGOV_KEY")
        .env_remove("AIGOV_HOME")
        .env("AIGOV_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("running aigov")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("binding 127.0.0.1:0")
        .port()
}

/// A shell that waits for its stdin (a pipe whose only writer is this process) to close, then
/// SIGKILLs `pid` and removes `root`. The returned child holds the pipe's write end.
fn spawn_watchdog(pid: u32, root: &Path) -> Child {
    const SCRIPT: &str = r#"read -r _
kill -9 "$1" 2>/dev/null
i=0
while kill -0 "$1" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i+1)); done
rm -rf "$2""#;
    Command::new("sh")
        .arg("-c")
        .arg(SCRIPT)
        .arg("aigov-test-watchdog")
        .arg(pid.to_string())
        .arg(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawning the watchdog shell")
}

// ---------------------------------------------------------------------------------------------
// The node shared by the tests of one test binary

static SHARED: OnceLock<Node> = OnceLock::new();
static SHARED_LOCK: Mutex<()> = Mutex::new(());

/// Exclusive use of the node shared by this test binary's tests.
pub struct SharedNode {
    node: &'static Node,
    _guard: MutexGuard<'static, ()>,
}

impl std::ops::Deref for SharedNode {
    type Target = Node;
    fn deref(&self) -> &Node {
        self.node
    }
}

/// The node shared by this binary's tests, started on first use. Its users take turns, so each
/// test sees only its own changes and may compare global state (the pool, the log) before and
/// after; a turn starts with an empty mempool.
pub fn shared_node() -> SharedNode {
    // A test that failed while holding the lock poisons it; the node is still usable.
    let guard = SHARED_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let node = SHARED.get_or_init(|| {
        let mut node = Node::start();
        // Never dropped: the watchdog kills it and removes its folder when the process exits.
        node.remove_root = false;
        node
    });
    node.wait_mempool_empty();
    SharedNode {
        node,
        _guard: guard,
    }
}

// ---------------------------------------------------------------------------------------------
// Transactions

/// A personnel registration (sponsored: the pool pays) under member `fr`, tier 2, safety.
pub fn register_call(name: &str) -> Call {
    register_call_for(name, "fr")
}

/// A personnel registration under `member`.
pub fn register_call_for(name: &str, member: &str) -> Call {
    Call::Personnel(PersonnelCall::Register(RegisterPersonnel {
        member: Slug::new(member).expect("a member id"),
        organisation: None,
        roles: Roles::from_roles(&[Role::Safety]),
        tier: 2,
        name: BoundedString::new(name).expect("a short name"),
        credential: Hash::digest(&[b"aigov-test-credential:", name.as_bytes()]),
    }))
}

/// A signed registration from `key` with `nonce`.
pub fn register_tx(key: &PrivateKey, chain_id: &Slug, nonce: u64, name: &str) -> SignedTx {
    aigov_client::build_tx(key, chain_id, nonce, GAS_LIMIT, register_call(name))
}

/// Waits for `hash` to be in a finalized block.
pub fn wait_final(client: &Client, hash: &Hash) -> TxStatus {
    client
        .wait_for_tx(hash, FINALITY_TIMEOUT)
        .unwrap_or_else(|e| panic!("transaction {hash}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP/1.1

/// A response read by [request].
#[derive(Debug)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Header lines, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The (de-chunked) body.
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as the API's error body; panics if it is not one.
    pub fn error(&self) -> ErrorBody {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "HTTP {} with a body that is not an error body ({e}): {}",
                self.status,
                self.text()
            )
        })
    }
}

/// Sends one request with `Connection: close` and reads the whole response. `content_type`
/// `None` sends no `Content-Type` header. A reset while sending (the server answered before
/// reading the whole body) is not an error: the response is still read.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connecting to the node");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("setting a read timeout");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(ct) = content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body));
    let mut raw = Vec::new();
    if let Err(e) = stream.read_to_end(&mut raw) {
        assert!(
            !raw.is_empty(),
            "{method} {path}: no response from the node ({e})"
        );
    }
    parse_response(&raw).unwrap_or_else(|| {
        panic!(
            "{method} {path}: not an HTTP response: {:?}",
            String::from_utf8_lossy(&raw)
        )
    })
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Some(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// `POST /v1/txs` with a JSON body.
pub fn post_json(node: &Node, body: &str) -> Response {
    request(
        node.addr,
        "POST",
        "/v1/txs",
        Some("application/json"),
        body.as_bytes(),
    )
}

/// `POST /v1/txs` with `{"tx": "<hex of bytes>"}`.
pub fn post_tx_bytes(node: &Node, bytes: &[u8]) -> Response {
    post_json(node, &format!("{{\"tx\":\"{}\"}}", hex::encode(bytes)))
}

// ---------------------------------------------------------------------------------------------
// Server-sent events

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct Sse {
    /// `id:`.
    pub id: Option<String>,
    /// `event:`.
    pub event: Option<String>,
    /// `data:` lines, joined.
    pub data: String,
}

/// A `text/event-stream` response read from a raw socket.
pub struct SseStream {
    reader: BufReader<TcpStream>,
    /// De-chunked text not yet split into events.
    pending: String,
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    chunked: bool,
}

impl SseStream {
    /// Opens `GET path`; every read fails after `timeout`.
    pub fn open(addr: SocketAddr, path: &str, timeout: Duration) -> Self {
        let mut s = TcpStream::connect(addr).expect("connecting to the node");
        s.set_read_timeout(Some(timeout))
            .expect("setting a read timeout");
        let req =
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
        s.write_all(req.as_bytes()).expect("sending the request");
        let mut reader = BufReader::new(s);
        let (mut status, mut content_type, mut chunked) = (0, String::new(), false);
        loop {
            let mut line = String::new();
            reader
                .read_line(&mut line)
                .expect("reading the response head");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(rest) = line.strip_prefix("HTTP/1.1 ") {
                status = rest[..3].parse().expect("an HTTP status");
            } else if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-type") {
                    content_type = value.trim().to_string();
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.trim().eq_ignore_ascii_case("chunked");
                }
            }
        }
        Self {
            reader,
            pending: String::new(),
            status,
            content_type,
            chunked,
        }
    }

    /// Reads more of the body; `false` at its end.
    fn fill(&mut self) -> bool {
        if !self.chunked {
            let mut buf = [0u8; 4096];
            let n = self
                .reader
                .read(&mut buf)
                .expect("reading the event stream");
            self.pending.push_str(&String::from_utf8_lossy(&buf[..n]));
            return n > 0;
        }
        let mut size_line = String::new();
        if self
            .reader
            .read_line(&mut size_line)
            .expect("reading the event stream")
            == 0
        {
            return false;
        }
        let size = usize::from_str_radix(size_line.trim(), 16).expect("a chunk size");
        let mut chunk = vec![0u8; size + 2];
        self.reader
            .read_exact(&mut chunk)
            .expect("reading the event stream");
        if size == 0 {
            return false;
        }
        self.pending
            .push_str(&String::from_utf8_lossy(&chunk[..size]));
        true
    }

    /// The next event (comments such as keep-alives skipped), or `None` at the end of the
    /// stream. Panics when a read times out.
    pub fn next_event(&mut self) -> Option<Sse> {
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
                        ev.data.push_str(v.strip_prefix(' ').unwrap_or(v));
                        any = true;
                    }
                }
                if any {
                    return Some(ev);
                }
                continue;
            }
            if !self.fill() {
                return None;
            }
        }
    }
}
