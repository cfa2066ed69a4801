//! Landmarks: timing servers that bound how far a device is from them, for the location
//! evidence of integrity challenges (`aigov_types::physical`).
//!
//! The protocol, over TCP (Nagle off on both ends, every message of fixed size):
//! 1. device → landmark: `HELLO` = magic `AIGOVLM1`, the challenge nonce (32 bytes), the
//!    device's public key (32 bytes);
//! 2. [PROBES] times: landmark → device a probe of 32 fresh random bytes; device → landmark
//!    the device key's signature (64 bytes) over [echo_message] of the nonce and the probe.
//!    The landmark times each exchange and checks each signature, so only the holder of the
//!    device key, answering after it saw the probe, stops the clock;
//! 3. landmark → device: status `0`, the fastest round trip in µs (8 bytes, big-endian), the
//!    landmark's key (32) and its signature (64) over [round_trip_message]; or status `1`, a
//!    length byte and a UTF-8 reason.
//!
//! The landmark needs no chain access: the chain checks that the key and nonce it signed are
//! the challenged hardware's, and that the landmark is one its template lists. A device can
//! only add delay (sign slowly, route around), which makes it look farther, never nearer.

use aigov_types::codec::{Encode as _, decode_slice};
use aigov_types::physical::{
    ECHO_NAMESPACE, LANDMARK_NAMESPACE, MAX_RTT_US, RoundTrip, echo_message, round_trip_message,
};
use aigov_types::{Hash, PrivateKey, PublicKey, Signature};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The protocol's magic and version.
pub const MAGIC: &[u8; 8] = b"AIGOVLM1";
/// Probes per measurement: the fastest counts, so a scheduler hiccup does not.
pub const PROBES: usize = 5;
/// How long either side waits for the other's next message.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// Most measurements a landmark runs at once (more connections are refused at once).
pub const MAX_CONCURRENT: usize = 64;

/// Why a measurement failed.
#[derive(Debug, thiserror::Error)]
pub enum LandmarkError {
    /// The network failed or timed out.
    #[error("landmark {addr}: {source}")]
    Io {
        /// The landmark's address.
        addr: String,
        /// The error.
        source: std::io::Error,
    },
    /// The landmark refused the measurement.
    #[error("landmark {addr} refused: {reason}")]
    Refused {
        /// The landmark's address.
        addr: String,
        /// Its reason.
        reason: String,
    },
    /// The landmark's answer is malformed or its signature does not verify.
    #[error("landmark {addr} answered badly: {reason}")]
    BadAnswer {
        /// The landmark's address.
        addr: String,
        /// What is wrong.
        reason: String,
    },
}

/// Measures the round trip from the landmark at `addr` to this device (holder of `device`)
/// for the challenge with `nonce`, and returns the landmark's signed measurement.
pub fn measure(addr: &str, device: &PrivateKey, nonce: &Hash) -> Result<RoundTrip, LandmarkError> {
    let io = |source| LandmarkError::Io {
        addr: addr.to_string(),
        source,
    };
    let bad = |reason: String| LandmarkError::BadAnswer {
        addr: addr.to_string(),
        reason,
    };
    let target = addr
        .to_socket_addrs()
        .map_err(io)?
        .next()
        .ok_or_else(|| bad("the address resolves to nothing".into()))?;
    let mut s = TcpStream::connect_timeout(&target, IO_TIMEOUT).map_err(io)?;
    configure(&s).map_err(io)?;
    let mut hello = Vec::with_capacity(72);
    hello.extend_from_slice(MAGIC);
    hello.extend_from_slice(&nonce.0);
    hello.extend_from_slice(device.public_key().as_bytes());
    s.write_all(&hello).map_err(io)?;
    for _ in 0..PROBES {
        let mut first = [0u8; 1];
        s.read_exact(&mut first).map_err(io)?;
        if first[0] == 1 {
            return Err(refusal(&mut s, addr));
        }
        let mut probe = [0u8; 32];
        probe[0] = first[0];
        s.read_exact(&mut probe[1..]).map_err(io)?;
        let sig = device.sign(ECHO_NAMESPACE, &echo_message(nonce, &probe));
        s.write_all(sig.encode().as_ref()).map_err(io)?;
    }
    let mut status = [0u8; 1];
    s.read_exact(&mut status).map_err(io)?;
    if status[0] != 0 {
        return Err(refusal(&mut s, addr));
    }
    let mut answer = [0u8; 8 + 32 + 64];
    s.read_exact(&mut answer).map_err(io)?;
    let rtt_us = u64::from_be_bytes(answer[..8].try_into().unwrap_or_default());
    let landmark =
        decode_slice::<PublicKey>(&answer[8..40]).map_err(|e| bad(format!("its key: {e}")))?;
    let signature =
        decode_slice::<Signature>(&answer[40..]).map_err(|e| bad(format!("its signature: {e}")))?;
    let msg = round_trip_message(nonce, &device.public_key(), rtt_us);
    if !landmark.verify(LANDMARK_NAMESPACE, &msg, &signature) {
        return Err(bad(
            "its signature over the measurement does not verify".into()
        ));
    }
    Ok(RoundTrip {
        landmark,
        rtt_us,
        signature,
    })
}

fn refusal(s: &mut TcpStream, addr: &str) -> LandmarkError {
    let mut len = [0u8; 1];
    let mut reason = vec![0u8; 0];
    if s.read_exact(&mut len).is_ok() {
        reason.resize(usize::from(len[0]), 0);
        if s.read_exact(&mut reason).is_err() {
            reason.clear();
        }
    }
    LandmarkError::Refused {
        addr: addr.to_string(),
        reason: String::from_utf8_lossy(&reason).into_owned(),
    }
}

fn configure(s: &TcpStream) -> std::io::Result<()> {
    s.set_nodelay(true)?;
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    s.set_write_timeout(Some(IO_TIMEOUT))
}

/// A running landmark: signs round trips with its key.
pub struct Landmark {
    key: Arc<PrivateKey>,
    listener: TcpListener,
    active: Arc<AtomicUsize>,
}

/// What one connection came to, for the landmark's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Served {
    /// A measurement was signed.
    Measured {
        /// The peer.
        peer: SocketAddr,
        /// The device key measured.
        device: PublicKey,
        /// The fastest round trip, µs.
        rtt_us: u64,
    },
    /// The connection was refused or failed.
    Refused {
        /// The peer.
        peer: SocketAddr,
        /// Why.
        reason: String,
    },
}

impl Landmark {
    /// Binds a landmark with `key` on `addr`.
    pub fn bind(addr: &str, key: PrivateKey) -> std::io::Result<Self> {
        Ok(Self {
            key: Arc::new(key),
            listener: TcpListener::bind(addr)?,
            active: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Its public key (what a template lists).
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// Serves connections until the listener fails, one thread each (at most
    /// [MAX_CONCURRENT]); `log` hears how each ended.
    pub fn serve(&self, log: impl Fn(Served) + Send + Sync + 'static) -> std::io::Result<()> {
        let log = Arc::new(log);
        for conn in self.listener.incoming() {
            let Ok(mut s) = conn else { continue };
            let Ok(peer) = s.peer_addr() else { continue };
            if self.active.fetch_add(1, Ordering::SeqCst) >= MAX_CONCURRENT {
                self.active.fetch_sub(1, Ordering::SeqCst);
                let _ = refuse(&mut s, "too many measurements at once; retry shortly");
                log(Served::Refused {
                    peer,
                    reason: "over the concurrency limit".into(),
                });
                continue;
            }
            let (key, active, log) = (self.key.clone(), self.active.clone(), log.clone());
            std::thread::spawn(move || {
                log(match serve_one(&mut s, &key) {
                    Ok((device, rtt_us)) => Served::Measured {
                        peer,
                        device,
                        rtt_us,
                    },
                    Err(reason) => {
                        let _ = refuse(&mut s, &reason);
                        Served::Refused { peer, reason }
                    }
                });
                active.fetch_sub(1, Ordering::SeqCst);
            });
        }
        Ok(())
    }
}

fn refuse(s: &mut TcpStream, reason: &str) -> std::io::Result<()> {
    let bytes = &reason.as_bytes()[..reason.len().min(255)];
    let mut m = vec![1u8, bytes.len() as u8];
    m.extend_from_slice(bytes);
    s.write_all(&m)
}

/// One measurement: the hello, the probes (each echo verified), the signed answer.
fn serve_one(s: &mut TcpStream, key: &PrivateKey) -> Result<(PublicKey, u64), String> {
    configure(s).map_err(|e| e.to_string())?;
    let mut hello = [0u8; 72];
    s.read_exact(&mut hello)
        .map_err(|e| format!("reading the hello: {e}"))?;
    if &hello[..8] != MAGIC {
        return Err("not an aigov landmark hello".into());
    }
    let nonce = Hash(hello[8..40].try_into().unwrap_or_default());
    let device = decode_slice::<PublicKey>(&hello[40..72])
        .map_err(|_| "the device key is not an Ed25519 public key".to_string())?;
    let mut best = u64::MAX;
    for _ in 0..PROBES {
        let mut probe = [0u8; 32];
        getrandom::fill(&mut probe).map_err(|e| format!("no randomness: {e}"))?;
        // A leading 1 reads as a refusal to the device; keep probes' first byte clear of it.
        probe[0] &= 0xfe;
        let start = Instant::now();
        s.write_all(&probe)
            .map_err(|e| format!("sending a probe: {e}"))?;
        let mut echo = [0u8; 64];
        s.read_exact(&mut echo)
            .map_err(|e| format!("reading an echo: {e}"))?;
        let rtt = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
        let sig = decode_slice::<Signature>(&echo[..])
            .map_err(|_| "an echo is not a signature".to_string())?;
        if !device.verify(ECHO_NAMESPACE, &echo_message(&nonce, &probe), &sig) {
            return Err("an echo's signature does not verify with the device key".into());
        }
        best = best.min(rtt.max(1));
    }
    if best > MAX_RTT_US {
        return Err(format!(
            "the fastest round trip, {best} µs, is over a second"
        ));
    }
    let signature = key.sign(
        LANDMARK_NAMESPACE,
        &round_trip_message(&nonce, &device, best),
    );
    let mut answer = Vec::with_capacity(105);
    answer.push(0);
    answer.extend_from_slice(&best.to_be_bytes());
    answer.extend_from_slice(key.public_key().as_bytes());
    answer.extend_from_slice(signature.encode().as_ref());
    s.write_all(&answer)
        .map_err(|e| format!("sending the answer: {e}"))?;
    Ok((device, best))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn landmark() -> (String, PublicKey, mpsc::Receiver<Served>) {
        let l = Landmark::bind("127.0.0.1:0", PrivateKey::from_seed_bytes([5; 32])).unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let key = l.public_key();
        let (tx, rx) = mpsc::channel();
        let tx = std::sync::Mutex::new(tx);
        std::thread::spawn(move || {
            l.serve(move |s| {
                if let Ok(t) = tx.lock() {
                    let _ = t.send(s);
                }
            })
        });
        (addr, key, rx)
    }

    #[test]
    fn a_measurement_is_signed_for_the_device_and_nonce() {
        let (addr, key, log) = landmark();
        let device = PrivateKey::from_seed_bytes([1; 32]);
        let nonce = Hash([3; 32]);
        let rt = measure(&addr, &device, &nonce).unwrap();
        assert_eq!(rt.landmark, key);
        assert!(rt.rtt_us >= 1 && rt.rtt_us < MAX_RTT_US, "{}", rt.rtt_us);
        let msg = round_trip_message(&nonce, &device.public_key(), rt.rtt_us);
        assert!(key.verify(LANDMARK_NAMESPACE, &msg, &rt.signature));
        // For another nonce or device the same signature says nothing.
        let other = round_trip_message(&Hash([4; 32]), &device.public_key(), rt.rtt_us);
        assert!(!key.verify(LANDMARK_NAMESPACE, &other, &rt.signature));
        assert!(
            matches!(log.recv().unwrap(), Served::Measured { rtt_us, .. } if rtt_us == rt.rtt_us)
        );
    }

    /// A client that claims a device key it does not hold (echoes with another key) is
    /// refused; so are a wrong magic and a hello cut short. None stops the landmark.
    #[test]
    fn impostors_and_garbage_are_refused() {
        let (addr, _, log) = landmark();
        let device = PrivateKey::from_seed_bytes([1; 32]);
        let impostor = PrivateKey::from_seed_bytes([2; 32]);
        let nonce = Hash([3; 32]);

        let mut s = TcpStream::connect(&addr).unwrap();
        let mut hello = MAGIC.to_vec();
        hello.extend_from_slice(&nonce.0);
        hello.extend_from_slice(device.public_key().as_bytes());
        s.write_all(&hello).unwrap();
        let mut probe = [0u8; 32];
        s.read_exact(&mut probe).unwrap();
        let sig = impostor.sign(ECHO_NAMESPACE, &echo_message(&nonce, &probe));
        s.write_all(sig.encode().as_ref()).unwrap();
        let mut status = [0u8; 1];
        s.read_exact(&mut status).unwrap();
        assert_eq!(status[0], 1);
        assert!(
            matches!(log.recv().unwrap(), Served::Refused { reason, .. } if reason.contains("does not verify"))
        );

        let mut s = TcpStream::connect(&addr).unwrap();
        s.write_all(&[b'X'; 72]).unwrap();
        assert!(
            matches!(log.recv().unwrap(), Served::Refused { reason, .. } if reason.contains("hello"))
        );

        let mut s = TcpStream::connect(&addr).unwrap();
        s.write_all(&MAGIC[..4]).unwrap();
        drop(s);
        assert!(matches!(log.recv().unwrap(), Served::Refused { .. }));

        // Still serving.
        assert!(measure(&addr, &device, &nonce).is_ok());
    }

    #[test]
    fn an_unreachable_landmark_is_an_io_error() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        drop(l);
        let err = measure(&addr, &PrivateKey::from_seed_bytes([1; 32]), &Hash([0; 32]));
        assert!(matches!(err, Err(LandmarkError::Io { .. })), "{err:?}");
    }
}
