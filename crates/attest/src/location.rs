//! Delay-based location evidence, in integer arithmetic only (it runs in consensus).
//!
//! A landmark (a trusted server at known coordinates) times a challenge-response round trip
//! to the device. Nothing travels faster than light in fibre, about 200 km per millisecond,
//! so a round trip of `rtt` microseconds bounds the one-way distance:
//! `distance <= rtt_us / 1000 * 200 / 2 km = rtt_us * 100 m` ([`distance_bound_m`]).
//! A device can always add delay but never remove it, so the bounds are sound against a
//! device that lies about where it is: it can only make itself look *farther*.
//!
//! Two checks, from weaker to stronger:
//! - [`check_consistent`]: every landmark's disc (centre the landmark, radius its bound)
//!   reaches the declared region. Failing it proves the declaration false.
//! - [`proves_within`]: some landmark's disc lies entirely inside the declared region. Passing
//!   it proves the device is in the region (whatever delay it added).
//!
//! Distances are great-circle distances on a sphere of radius [`EARTH_RADIUS_M`], computed in
//! Q60 fixed point (3-D unit vectors from fixed-point sine/cosine, chord length, then
//! `2·asin(chord/2)`), accurate to well under a metre on the sphere. The sphere differs from
//! the Earth's ellipsoid by up to 0.5%; both checks apply that slack in the device's disfavour
//! for `proves_within` and in its favour for `check_consistent`, so neither is fooled by the
//! model.

/// Mean Earth radius (IUGG), metres.
pub const EARTH_RADIUS_M: u64 = 6_371_009;
/// Metres of one-way distance per microsecond of round trip (200 km/ms in fibre, halved).
pub const METRES_PER_RTT_US: u64 = 100;
/// Most landmarks accepted in one piece of evidence.
pub const MAX_LANDMARKS: usize = 64;
/// Longest landmark name, bytes.
pub const MAX_NAME_BYTES: usize = 64;
/// Largest round trip accepted: 1 s (a bound of 100,000 km says nothing on Earth).
pub const MAX_RTT_US: u64 = 1_000_000;
/// Slack for the spherical model, per mille of the distance.
const SPHERE_SLACK_PER_MILLE: u64 = 5;

/// Why location evidence was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    /// A latitude or longitude is outside its range.
    #[error("coordinate ({lat_udeg}, {lon_udeg}) micro-degrees is out of range")]
    BadCoordinate {
        /// Latitude, micro-degrees.
        lat_udeg: i64,
        /// Longitude, micro-degrees.
        lon_udeg: i64,
    },
    /// Too many landmarks, or none.
    #[error("{count} landmarks, expected 1 to {MAX_LANDMARKS}")]
    LandmarkCount {
        /// How many were given.
        count: usize,
    },
    /// A landmark name is empty, too long, or repeated.
    #[error("bad or repeated landmark name {name:?}")]
    BadName {
        /// The name.
        name: String,
    },
    /// A measurement names no known landmark.
    #[error("unknown landmark {name:?}")]
    UnknownLandmark {
        /// The name.
        name: String,
    },
    /// A round trip exceeds [`MAX_RTT_US`].
    #[error("round trip {rtt_us} us from {name:?} exceeds {MAX_RTT_US} us")]
    RttTooLarge {
        /// The landmark.
        name: String,
        /// The round trip.
        rtt_us: u64,
    },
    /// A landmark's bound cannot reach the declared region: the declaration is false.
    #[error(
        "landmark {name:?} is {distance_m} m from the region, but {rtt_us} us bounds the device to {bound_m} m"
    )]
    Inconsistent {
        /// The landmark.
        name: String,
        /// Distance from the landmark to the region's edge (after slack).
        distance_m: u64,
        /// The round trip.
        rtt_us: u64,
        /// The distance bound it gives.
        bound_m: u64,
    },
    /// No landmark's disc lies inside the region, so the evidence does not prove presence.
    #[error("no landmark's bound lies inside the region")]
    NotProven,
}

/// A point on Earth in integer micro-degrees (WGS-84 latitude and longitude).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coordinate {
    /// Latitude, −90,000,000 ..= 90,000,000.
    pub lat_udeg: i64,
    /// Longitude, −180,000,000 ..= 180,000,000.
    pub lon_udeg: i64,
}

/// A landmark: a named, trusted timing server at known coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Landmark {
    /// Its unique name.
    pub name: String,
    /// Where it is.
    pub at: Coordinate,
}

/// One round-trip measurement from a landmark to the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundTrip {
    /// The landmark's name.
    pub landmark: String,
    /// The measured round trip, microseconds.
    pub rtt_us: u64,
}

/// A declared region: a disc around a centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// Its centre.
    pub centre: Coordinate,
    /// Its radius, metres.
    pub radius_m: u64,
}

/// The one-way distance bound (metres) a round trip of `rtt_us` microseconds gives.
pub fn distance_bound_m(rtt_us: u64) -> u64 {
    rtt_us.saturating_mul(METRES_PER_RTT_US)
}

// ---- Q60 fixed point ----

const FRAC: u32 = 60;
const ONE: i128 = 1 << FRAC;
/// π in Q60.
const PI: i128 = 3_622_009_729_038_561_421;

fn mul(a: i128, b: i128) -> i128 {
    (a * b) >> FRAC
}

/// Sine of `x` (Q60 radians, |x| <= π) by its Taylor series, summed until terms vanish.
fn sin(x: i128) -> i128 {
    let x2 = mul(x, x);
    let (mut term, mut sum, mut k) = (x, x, 1i128);
    while term != 0 && k < 64 {
        term = -mul(term, x2) / ((2 * k) * (2 * k + 1));
        sum += term;
        k += 1;
    }
    sum
}

/// Cosine of `x` (Q60 radians, |x| <= π).
fn cos(x: i128) -> i128 {
    let x2 = mul(x, x);
    let (mut term, mut sum, mut k) = (ONE, ONE, 1i128);
    while term != 0 && k < 64 {
        term = -mul(term, x2) / ((2 * k - 1) * (2 * k));
        sum += term;
        k += 1;
    }
    sum
}

/// Integer square root (floor).
fn isqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    // 2^(floor(log2 n)/2 + 1) > √n: Newton's iteration then decreases to the floor.
    let mut x = 1u128 << (n.ilog2() / 2 + 1);
    loop {
        let y = (x + n / x) / 2;
        if y >= x {
            return x;
        }
        x = y;
    }
}

/// Arcsine of `x` in Q60, 0 <= x <= 1/2, by its series.
fn asin_small(x: i128) -> i128 {
    let x2 = mul(x, x);
    let (mut term, mut sum, mut n) = (x, x, 1i128);
    while term != 0 && n < 200 {
        term = mul(term, x2) * (2 * n - 1) * (2 * n - 1) / ((2 * n) * (2 * n + 1));
        sum += term;
        n += 1;
    }
    sum
}

/// Arcsine of `x` in Q60, 0 <= x <= 1: `asin x = π/2 − 2·asin(√((1−x)/2))` above 1/2.
fn asin(x: i128) -> i128 {
    let x = x.clamp(0, ONE);
    if x <= ONE / 2 {
        asin_small(x)
    } else {
        // √((1−x)/2) in Q60: isqrt of the Q120 value.
        let half = (ONE - x) / 2;
        let root = isqrt((half as u128) << FRAC) as i128;
        PI / 2 - 2 * asin_small(root)
    }
}

fn radians(udeg: i64) -> i128 {
    i128::from(udeg) * PI / 180_000_000
}

fn unit_vector(c: Coordinate) -> [i128; 3] {
    let (lat, lon) = (radians(c.lat_udeg), radians(c.lon_udeg));
    let cl = cos(lat);
    [mul(cl, cos(lon)), mul(cl, sin(lon)), sin(lat)]
}

fn check_coordinate(c: Coordinate) -> Result<(), LocationError> {
    if c.lat_udeg.abs() > 90_000_000 || c.lon_udeg.abs() > 180_000_000 {
        return Err(LocationError::BadCoordinate {
            lat_udeg: c.lat_udeg,
            lon_udeg: c.lon_udeg,
        });
    }
    Ok(())
}

/// Great-circle distance in metres between two points on the model sphere.
pub fn distance_m(a: Coordinate, b: Coordinate) -> Result<u64, LocationError> {
    check_coordinate(a)?;
    check_coordinate(b)?;
    let (u, v) = (unit_vector(a), unit_vector(b));
    // Chord length squared in Q120 (each component difference is at most 2 in magnitude).
    let sq: i128 = (0..3).map(|i| (u[i] - v[i]) * (u[i] - v[i])).sum();
    let chord = isqrt(sq.max(0) as u128) as i128; // Q60
    let angle = 2 * asin(chord / 2);
    let metres = (angle * i128::from(EARTH_RADIUS_M) + (ONE / 2)) >> FRAC;
    Ok(u64::try_from(metres.max(0)).unwrap_or(u64::MAX))
}

/// Validates landmarks and measurements, and pairs each round trip with its landmark.
fn pair<'a>(
    landmarks: &'a [Landmark],
    trips: &[RoundTrip],
) -> Result<Vec<(&'a Landmark, u64)>, LocationError> {
    for n in [landmarks.len(), trips.len()] {
        if n == 0 || n > MAX_LANDMARKS {
            return Err(LocationError::LandmarkCount { count: n });
        }
    }
    for (i, l) in landmarks.iter().enumerate() {
        if l.name.is_empty()
            || l.name.len() > MAX_NAME_BYTES
            || landmarks[..i].iter().any(|o| o.name == l.name)
        {
            return Err(LocationError::BadName {
                name: l.name.clone(),
            });
        }
        check_coordinate(l.at)?;
    }
    trips
        .iter()
        .map(|t| {
            if t.rtt_us > MAX_RTT_US {
                return Err(LocationError::RttTooLarge {
                    name: t.landmark.clone(),
                    rtt_us: t.rtt_us,
                });
            }
            let l = landmarks
                .iter()
                .find(|l| l.name == t.landmark)
                .ok_or_else(|| LocationError::UnknownLandmark {
                    name: t.landmark.clone(),
                })?;
            Ok((l, t.rtt_us))
        })
        .collect()
}

/// Checks a declared region against every round trip: each landmark's distance bound must
/// reach the region (distance to the centre, less 0.5% model slack, at most radius + bound).
/// A failure proves the declaration false; a pass is necessary, not sufficient.
pub fn check_consistent(
    region: &Region,
    landmarks: &[Landmark],
    trips: &[RoundTrip],
) -> Result<(), LocationError> {
    check_coordinate(region.centre)?;
    for (l, rtt_us) in pair(landmarks, trips)? {
        let d = distance_m(l.at, region.centre)?;
        let d = d - d * SPHERE_SLACK_PER_MILLE / 1000;
        let bound_m = distance_bound_m(rtt_us);
        if d > region.radius_m.saturating_add(bound_m) {
            return Err(LocationError::Inconsistent {
                name: l.name.clone(),
                distance_m: d - region.radius_m,
                rtt_us,
                bound_m,
            });
        }
    }
    Ok(())
}

/// Whether the round trips prove the device is inside the region: consistent, and some
/// landmark's disc (distance to the centre plus its bound, plus 0.5% model slack) lies inside
/// the region. Returns the name of the landmark that proves it.
pub fn proves_within<'a>(
    region: &Region,
    landmarks: &'a [Landmark],
    trips: &[RoundTrip],
) -> Result<&'a str, LocationError> {
    check_consistent(region, landmarks, trips)?;
    for (l, rtt_us) in pair(landmarks, trips)? {
        let d = distance_m(l.at, region.centre)?;
        let reach = d
            .saturating_add(d * SPHERE_SLACK_PER_MILLE / 1000)
            .saturating_add(distance_bound_m(rtt_us));
        if reach <= region.radius_m {
            return Ok(l.name.as_str());
        }
    }
    Err(LocationError::NotProven)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(lat_udeg: i64, lon_udeg: i64) -> Coordinate {
        Coordinate { lat_udeg, lon_udeg }
    }

    #[test]
    fn trig_is_accurate() {
        // sin(π/6) = 1/2, cos(π/3) = 1/2, asin(1/2) = π/6, asin(1) = π/2.
        let tol = 1 << 8;
        assert!((sin(PI / 6) - ONE / 2).abs() < tol);
        assert!((cos(PI / 3) - ONE / 2).abs() < tol);
        assert!((asin(ONE / 2) - PI / 6).abs() < tol);
        assert!((asin(ONE) - PI / 2).abs() < 1 << 32);
        assert!((sin(PI)).abs() < tol && (cos(PI) + ONE).abs() < tol);
    }

    #[test]
    fn known_distances() {
        // London – Paris ≈ 343.5 km; haversine with R = 6371.009 km.
        let london = at(51_507_400, -127_800);
        let paris = at(48_856_600, 2_352_200);
        let d = distance_m(london, paris).unwrap();
        assert!((343_000..344_500).contains(&d), "{d}");
        // Antipodes: half the circumference.
        let d = distance_m(at(0, 0), at(0, 180_000_000)).unwrap();
        let half = 20_015_115; // π · 6,371,009 m
        assert!(d.abs_diff(half) <= 2, "{d}");
        assert_eq!(distance_m(london, london).unwrap(), 0);
        // Across the antimeridian.
        let d = distance_m(at(0, 179_500_000), at(0, -179_500_000)).unwrap();
        assert!(d.abs_diff(111_195) <= 2, "{d}");
    }

    fn setup() -> (Vec<Landmark>, Region) {
        let landmarks = vec![
            Landmark {
                name: "lon1".into(),
                at: at(51_507_400, -127_800),
            },
            Landmark {
                name: "par1".into(),
                at: at(48_856_600, 2_352_200),
            },
        ];
        // A datacentre region: 50 km around Slough.
        let region = Region {
            centre: at(51_510_500, -595_000),
            radius_m: 50_000,
        };
        (landmarks, region)
    }

    #[test]
    fn consistent_and_proven() {
        let (landmarks, region) = setup();
        // 100 us from London (≤ 10 km; London is ~33 km from Slough, so the disc lies within
        // the 50 km region), 4 ms from Paris (≤ 400 km).
        let trips = vec![
            RoundTrip {
                landmark: "lon1".into(),
                rtt_us: 100,
            },
            RoundTrip {
                landmark: "par1".into(),
                rtt_us: 4_000,
            },
        ];
        check_consistent(&region, &landmarks, &trips).unwrap();
        assert_eq!(proves_within(&region, &landmarks, &trips).unwrap(), "lon1");
    }

    #[test]
    fn impossible_round_trip_is_inconsistent() {
        let (landmarks, region) = setup();
        // 1 ms from Paris bounds the device to 100 km of Paris: not near Slough (~370 km).
        let trips = vec![RoundTrip {
            landmark: "par1".into(),
            rtt_us: 1_000,
        }];
        let e = check_consistent(&region, &landmarks, &trips).unwrap_err();
        assert!(
            matches!(e, LocationError::Inconsistent { ref name, .. } if name == "par1"),
            "{e}"
        );
    }

    #[test]
    fn slow_round_trips_prove_nothing() {
        let (landmarks, region) = setup();
        let trips = vec![RoundTrip {
            landmark: "lon1".into(),
            rtt_us: 5_000,
        }];
        check_consistent(&region, &landmarks, &trips).unwrap();
        assert_eq!(
            proves_within(&region, &landmarks, &trips),
            Err(LocationError::NotProven)
        );
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let (landmarks, region) = setup();
        let trip = |name: &str, rtt_us| {
            vec![RoundTrip {
                landmark: name.into(),
                rtt_us,
            }]
        };
        assert!(matches!(
            check_consistent(&region, &landmarks, &trip("nyc", 10)),
            Err(LocationError::UnknownLandmark { .. })
        ));
        assert!(matches!(
            check_consistent(&region, &landmarks, &trip("lon1", MAX_RTT_US + 1)),
            Err(LocationError::RttTooLarge { .. })
        ));
        assert!(matches!(
            check_consistent(&region, &landmarks, &[]),
            Err(LocationError::LandmarkCount { count: 0 })
        ));
        let mut dup = landmarks.clone();
        dup.push(dup[0].clone());
        assert!(matches!(
            check_consistent(&region, &dup, &trip("lon1", 10)),
            Err(LocationError::BadName { .. })
        ));
        let bad = Region {
            centre: Coordinate {
                lat_udeg: 90_000_001,
                lon_udeg: 0,
            },
            radius_m: 1,
        };
        assert!(matches!(
            check_consistent(&bad, &landmarks, &trip("lon1", 10)),
            Err(LocationError::BadCoordinate { .. })
        ));
    }

    proptest! {
        #[test]
        fn isqrt_is_floor_sqrt(n in any::<u128>()) {
            let r = isqrt(n);
            prop_assert!(r * r <= n);
            prop_assert!((r + 1).checked_mul(r + 1).is_none_or(|s| s > n));
        }

        #[test]
        fn distance_is_a_metric(
            a in (-90_000_000i64..=90_000_000, -180_000_000i64..=180_000_000),
            b in (-90_000_000i64..=90_000_000, -180_000_000i64..=180_000_000),
        ) {
            let a = Coordinate { lat_udeg: a.0, lon_udeg: a.1 };
            let b = Coordinate { lat_udeg: b.0, lon_udeg: b.1 };
            let ab = distance_m(a, b).unwrap();
            let ba = distance_m(b, a).unwrap();
            prop_assert!(ab.abs_diff(ba) <= 1);
            prop_assert!(ab <= 20_015_117);
        }
    }
}
