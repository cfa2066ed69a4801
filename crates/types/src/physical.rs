//! Physical evidence answering an integrity challenge: the state of the hardware's seals and
//! where the device is, bounded by round-trip times measured by landmarks.
//!
//! Platform evidence ([crate::integrity::ChallengeEvidence]) shows what the device runs; a
//! Hardware template's [PhysicalPolicy] also asks, at every challenge:
//! - **Seals**: the answer lists the seal ids the device reads as intact, which must be the
//!   seals its last passing inspection recorded. A broken, replaced or missing seal fails
//!   the challenge; the inspectors' record is the reference, not the device's word alone.
//! - **Location**: landmarks (timing servers at known coordinates, run by members and listed
//!   in the template, so adopted by a Safety vote) time a round trip to the device. The
//!   landmark sends fresh probes; the device signs each with its device key together with the
//!   challenge nonce ([echo_message]); the landmark takes the fastest verified round trip and
//!   signs the nonce, the device key and that time ([round_trip_message]). Nothing travels
//!   faster than light in fibre, so a round trip bounds the distance from landmark to device
//!   (`aigov_attest::location`, integer arithmetic), and a device can add delay but never
//!   remove it. The answer passes only if at least `min_landmarks` listed landmarks vouch, every
//!   bound reaches the declared region, and some landmark's bound lies inside it.

use crate::codec::{BoundedString, BoundedVec, Hash};
use crate::codec_struct;
use crate::crypto::{PublicKey, Signature};
use crate::hardware::SEALS_MAX;
use serde::{Deserialize, Serialize};

/// Most landmarks a template lists, and most round trips an answer carries.
pub const MAX_LANDMARKS: usize = 16;
/// Largest round trip accepted, microseconds: 1 s (a bound of 100,000 km says nothing).
pub const MAX_RTT_US: u64 = 1_000_000;
/// Signature namespace of a landmark's round-trip measurement.
pub const LANDMARK_NAMESPACE: &[u8] = b"_AIGOV_INTEGRITY_LANDMARK";
/// Signature namespace of the device's echo of a landmark's probe.
pub const ECHO_NAMESPACE: &[u8] = b"_AIGOV_INTEGRITY_LANDMARK_ECHO";

/// What the device key signs to echo a landmark's probe: the challenge nonce binds the echo
/// to this challenge, the probe (fresh random bytes from the landmark) to this round trip.
pub fn echo_message(nonce: &Hash, probe: &[u8; 32]) -> Vec<u8> {
    let mut m = Vec::with_capacity(64);
    m.extend_from_slice(&nonce.0);
    m.extend_from_slice(probe);
    m
}

/// What a landmark signs: it timed `rtt_us` to the holder of `device_key` answering for the
/// challenge with `nonce`.
pub fn round_trip_message(nonce: &Hash, device_key: &PublicKey, rtt_us: u64) -> Vec<u8> {
    let mut m = Vec::with_capacity(72);
    m.extend_from_slice(&nonce.0);
    m.extend_from_slice(device_key.as_bytes());
    m.extend_from_slice(&rtt_us.to_be_bytes());
    m
}

/// A point on Earth in integer micro-degrees (WGS-84).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GeoPoint {
    /// Latitude, −90,000,000 ..= 90,000,000.
    pub lat_udeg: i64,
    /// Longitude, −180,000,000 ..= 180,000,000.
    pub lon_udeg: i64,
}
codec_struct!(GeoPoint { lat_udeg, lon_udeg });

impl GeoPoint {
    /// Whether both coordinates are in range.
    pub fn is_valid(&self) -> bool {
        (-90_000_000..=90_000_000).contains(&self.lat_udeg)
            && (-180_000_000..=180_000_000).contains(&self.lon_udeg)
    }
}

/// A declared region: a disc around a centre.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GeoRegion {
    /// Its centre.
    pub centre: GeoPoint,
    /// Its radius, metres (non-zero).
    pub radius_m: u64,
}
codec_struct!(GeoRegion { centre, radius_m });

/// A landmark a template trusts: a timing server with a signing key at known coordinates.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Landmark {
    /// Its name (unique in the template), for people and error messages.
    pub name: BoundedString<64>,
    /// The key it signs measurements with.
    pub key: PublicKey,
    /// Where it stands.
    pub at: GeoPoint,
}
codec_struct!(Landmark { name, key, at });

/// A Hardware template's physical policy: what every challenge answer must show beyond the
/// platform evidence.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhysicalPolicy {
    /// The answer must list exactly the seals of the last passing inspection, as intact.
    #[serde(default)]
    pub seals: bool,
    /// Where the device must be; `None` asks no location evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<GeoRegion>,
    /// The landmarks whose measurements count.
    #[serde(default)]
    pub landmarks: BoundedVec<Landmark, MAX_LANDMARKS>,
    /// How many distinct listed landmarks must vouch (with a region: 1 ..= landmarks).
    #[serde(default)]
    pub min_landmarks: u8,
}
codec_struct!(PhysicalPolicy {
    seals,
    region,
    landmarks,
    min_landmarks
});

impl PhysicalPolicy {
    /// Structural checks (done when the template is proposed): it asks something; a region
    /// is a valid disc with landmarks to prove it; landmark names and keys are distinct and
    /// their coordinates valid; `min_landmarks` is within the list.
    pub fn validate(&self) -> Result<(), String> {
        let mut names = std::collections::BTreeSet::new();
        let mut keys = std::collections::BTreeSet::new();
        for l in self.landmarks.iter() {
            if l.name.as_str().trim().is_empty() || !names.insert(l.name.as_str()) {
                return Err(format!(
                    "landmark name {:?} is empty or repeated",
                    l.name.as_str()
                ));
            }
            if !keys.insert(&l.key) {
                return Err(format!(
                    "landmark {:?} repeats another's key",
                    l.name.as_str()
                ));
            }
            if !l.at.is_valid() {
                return Err(format!(
                    "landmark {:?} has coordinates out of range",
                    l.name.as_str()
                ));
            }
        }
        match &self.region {
            None if !self.landmarks.is_empty() || self.min_landmarks != 0 => {
                Err("landmarks without a region prove nothing: give a region".into())
            }
            None if !self.seals => Err("the policy asks neither seals nor a region".into()),
            None => Ok(()),
            Some(r) if !r.centre.is_valid() || r.radius_m == 0 => {
                Err("the region needs a valid centre and a non-zero radius".into())
            }
            Some(_)
                if self.min_landmarks == 0
                    || usize::from(self.min_landmarks) > self.landmarks.len() =>
            {
                Err(format!(
                    "min_landmarks must be 1 to the {} landmarks listed",
                    self.landmarks.len()
                ))
            }
            Some(_) => Ok(()),
        }
    }

    /// The listed landmark with `key`.
    pub fn landmark(&self, key: &PublicKey) -> Option<&Landmark> {
        self.landmarks.iter().find(|l| &l.key == key)
    }
}

/// A landmark's signed round-trip time to the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundTrip {
    /// The landmark.
    pub landmark: PublicKey,
    /// The fastest verified round trip, microseconds.
    pub rtt_us: u64,
    /// The landmark's signature over [round_trip_message] (namespace [LANDMARK_NAMESPACE]).
    pub signature: Signature,
}
codec_struct!(RoundTrip {
    landmark,
    rtt_us,
    signature
});

/// The physical part of a challenge answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhysicalEvidence {
    /// Ids of the seals the device reads as intact.
    #[serde(default)]
    pub seals: BoundedVec<BoundedString<64>, SEALS_MAX>,
    /// Landmarks' signed round trips.
    #[serde(default)]
    pub round_trips: BoundedVec<RoundTrip, MAX_LANDMARKS>,
}
codec_struct!(PhysicalEvidence { seals, round_trips });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Encode, decode_slice};
    use crate::crypto::PrivateKey;

    fn landmark(seed: u8, name: &str) -> Landmark {
        Landmark {
            name: BoundedString::new(name.to_string()).unwrap(),
            key: PrivateKey::from_seed_bytes([seed; 32]).public_key(),
            at: GeoPoint {
                lat_udeg: 52_520_000,
                lon_udeg: 13_405_000,
            },
        }
    }

    fn policy() -> PhysicalPolicy {
        PhysicalPolicy {
            seals: true,
            region: Some(GeoRegion {
                centre: GeoPoint {
                    lat_udeg: 52_000_000,
                    lon_udeg: 13_000_000,
                },
                radius_m: 200_000,
            }),
            landmarks: BoundedVec::new(vec![landmark(1, "berlin"), landmark(2, "potsdam")])
                .unwrap(),
            min_landmarks: 1,
        }
    }

    #[test]
    fn policies_roundtrip_and_validate() {
        let p = policy();
        assert_eq!(decode_slice::<PhysicalPolicy>(&p.encode()).unwrap(), p);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<PhysicalPolicy>(&json).unwrap(), p);
        assert!(p.validate().is_ok());
        let seals_only: PhysicalPolicy = serde_json::from_str(r#"{"seals": true}"#).unwrap();
        assert!(seals_only.validate().is_ok());

        let bad = |f: &dyn Fn(&mut PhysicalPolicy), why: &str| {
            let mut q = policy();
            f(&mut q);
            let err = q.validate().unwrap_err();
            assert!(err.contains(why), "{err}");
        };
        bad(&|q| q.min_landmarks = 3, "min_landmarks");
        bad(&|q| q.min_landmarks = 0, "min_landmarks");
        bad(&|q| q.region.as_mut().unwrap().radius_m = 0, "radius");
        bad(
            &|q| q.region.as_mut().unwrap().centre.lat_udeg = 90_000_001,
            "centre",
        );
        bad(
            &|q| {
                q.landmarks =
                    BoundedVec::new(vec![landmark(1, "berlin"), landmark(2, "berlin")]).unwrap()
            },
            "repeated",
        );
        bad(
            &|q| q.landmarks = BoundedVec::new(vec![landmark(1, "a"), landmark(1, "b")]).unwrap(),
            "key",
        );
        bad(
            &|q| {
                let mut far = landmark(2, "potsdam");
                far.at.lon_udeg = -180_000_001;
                q.landmarks = BoundedVec::new(vec![landmark(1, "berlin"), far]).unwrap()
            },
            "out of range",
        );
        bad(&|q| q.region = None, "without a region");
        bad(
            &|q| {
                q.region = None;
                q.landmarks = BoundedVec::default();
                q.min_landmarks = 0;
                q.seals = false;
            },
            "neither",
        );
    }

    #[test]
    fn hostile_evidence_encodings_do_not_decode() {
        let key = PrivateKey::from_seed_bytes([9; 32]);
        let e = PhysicalEvidence {
            seals: BoundedVec::new(vec![BoundedString::new("S-1".to_string()).unwrap()]).unwrap(),
            round_trips: BoundedVec::new(vec![RoundTrip {
                landmark: key.public_key(),
                rtt_us: 812,
                signature: key.sign(LANDMARK_NAMESPACE, b"x"),
            }])
            .unwrap(),
        };
        let bytes = e.encode();
        assert_eq!(decode_slice::<PhysicalEvidence>(&bytes).unwrap(), e);
        for cut in 0..bytes.len() {
            assert!(decode_slice::<PhysicalEvidence>(&bytes[..cut]).is_err());
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(decode_slice::<PhysicalEvidence>(&longer).is_err());
    }

    #[test]
    fn signed_messages_bind_every_part() {
        let n = Hash([1; 32]);
        let d = PrivateKey::from_seed_bytes([2; 32]).public_key();
        let other = PrivateKey::from_seed_bytes([3; 32]).public_key();
        let m = round_trip_message(&n, &d, 500);
        assert_ne!(m, round_trip_message(&Hash([2; 32]), &d, 500));
        assert_ne!(m, round_trip_message(&n, &other, 500));
        assert_ne!(m, round_trip_message(&n, &d, 501));
        assert_ne!(echo_message(&n, &[0; 32]), echo_message(&n, &[1; 32]));
    }
}
