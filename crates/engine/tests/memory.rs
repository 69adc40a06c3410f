//! The memory model's design numbers (docs/PERFORMANCE.md: "Memory" in the benchmark
//! results and "A whole country"; issue 5), checked through the public API against sums
//! worked out by hand from the documented field lists, and against a population actually
//! built.
//!
//! Every expected number below is written as the arithmetic that produces it, from the
//! default preset `suining-2010` (3 attributes, 0 lists, 11 domains with a score,
//! 8 services, 16 treatments on 14 distinct (service, kind) pairs, monthly periods over
//! 10 years, household sizes 1–6 with mean 2.62). The first test pins those counts, so a
//! change to the preset fails there with a clear message rather than in the sums.

use credsim_engine::Layout;
use credsim_engine::population::{CHUNK_PERSONS, ChunkRange, Population};
use credsim_engine::rng::Keys;
use credsim_engine::sim::{MemoryEstimate, chunk_bytes_per_person};
use credsim_model::{Model, Overrides};

/// China's population, the national scale.
const NATIONAL: u64 = 1_412_000_000;

/// The memory target for the national run.
const GIB_16: u64 = 16 << 30;

fn default_preset(persons: Option<u64>) -> Model {
    let overrides = Overrides {
        persons,
        ..Overrides::default()
    };
    credsim_model::presets::load("suining-2010", &overrides)
        .unwrap_or_else(|e| panic!("the default preset does not load:\n{e}"))
        .model
}

/// The counts the hand sums below are built from.
#[test]
fn default_preset_has_the_shape_the_sums_assume() {
    let m = default_preset(None);
    assert_eq!(m.persons, 1_000_000);
    assert_eq!(m.attributes.len(), 3, "attributes");
    assert_eq!(m.lists.len(), 0, "lists");
    assert!(m.score.is_some(), "a score");
    assert_eq!(m.domains.len(), 11, "domains");
    assert_eq!(m.services.len(), 8, "services");
    assert_eq!(m.treatments.len(), 16, "treatments");
    let mut pairs: Vec<(usize, bool)> = m
        .treatments
        .iter()
        .map(|t| (t.service, t.kind == credsim_model::TreatmentKind::Reward))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    assert_eq!(pairs.len(), 14, "distinct (service, kind) hold slots");
    assert_eq!(m.period_ends.len(), 120, "monthly periods over 10 years");
    assert_eq!(Layout::of(&m).len(), 22, "occupancy counters");
    // 1·0.25 + 2·0.30 + 3·0.20 + 4·0.13 + 5·0.07 + 6·0.05 = 2.62
    assert!((m.mean_household_size() - 2.62).abs() < 1e-12);
}

/// Bytes of chunk state per person, from the arrays declared in `People`
/// (crates/engine/src/sim/people.rs) and 1.5 pending events per person.
///
/// The equality also pins the size of the private `Event` (day u32, person u32, rank
/// u8, tie u32, and `What`: 8-byte payload (the act's f64 time) plus tag = 16 bytes,
/// align 8; laid out as 16 + 3·4 + 1 = 29, padded to 32): with 204 bytes of arrays,
/// 252 holds only if `size_of::<Event>() == 32`.
#[test]
fn chunk_bytes_per_person_of_the_default_preset() {
    let m = default_preset(None);
    let arrays = 4 // household: local household index, u32
        + 3 // attrs: one u8 per attribute, 3 attributes
        + 8 // points: i64
        + 1 // grade: u8
        // (list_until + list_cause: 2 × u32 per list; this preset has no lists)
        + 4 // scrutiny_until: u32
        + 4 // active treatments: u32 bit set
        + 2 // sanctions_held: u16
        + 88 // scored: u32 per domain and sign of points with a score, 2 × 11 domains
        + 56 // holds: u32 per hold slot, 14 slots
        + 4 // ever: u32 flags
        + 4 // act_seq: u32
        + 8 // multiplier: f64
        + 1 // reached: u8, the mechanisms that acted on the person (factual run)
        + 8 // assessed points: i64 (annual grading)
        + 1 // assessment pending: bool (annual grading)
        + 8; // the assessed grade's causes: u32 per kind (annual grading)
    // (no kept records, deterrence, chilling or contacts in this preset)
    assert_eq!(arrays, 204);
    let events = 1.5 * 32.0; // 1.5 pending events per person × 32-byte Event
    let expected = arrays as f64 + events; // 204 + 48 = 252
    assert_eq!(expected, 252.0);
    assert_eq!(chunk_bytes_per_person(&m), expected);
}

/// Bytes kept for the whole run: the household table (4 bytes per household, with the
/// 1% of slack the table reserves) and the chunk table (16 bytes per chunk of 8,192
/// persons); everything else is in flight and independent of the population size.
#[test]
fn persistent_and_in_flight_bytes() {
    let m = default_preset(None);
    let est = MemoryEstimate::new(&m, 2);
    // 4 B × 1.01 / 2.62 persons per household = 1.541985 B, plus 16 B / 8192 = 0.001953 B.
    let by_hand = 4.0 * 1.01 / 2.62 + 16.0 / 8192.0;
    assert!(
        (est.persistent_per_person - by_hand).abs() / by_hand < 1e-9,
        "persistent per person: estimate {} vs {by_hand} by hand",
        est.persistent_per_person
    );
    assert!((by_hand - 1.543938).abs() < 1e-6, "{by_hand}");

    // In flight, per thread: one chunk of 8192 persons × 1.5 slack × (252 B of chunk
    // state + 315 B of per-person outcomes) plus its tally, and the fold accumulator's
    // tally; plus 32 MB for binary and allocator.
    //
    // Outcomes (`Lives`, factual run): sanction-days u32, sanctioned-since u32, own
    // sanctions held u16, ever own bool, lowest-grade and list entry/exit 4 × u32,
    // lists on u8, listed-since u32, listed-days u32 = 4+4+2+1+16+1+4+4 = 36 B; factual
    // only: year-end grade u8, spell start and cause 2 × u32 per treatment (16), a
    // context word u32 per slot (14), records by provenance 3 × u32, the person's context
    // word and days in and cross context 3 × u32, a cause-days word u32 per domain (11),
    // listed through contacts bool, genuine acts by class 2 × u32, sanctioned without
    // errors u8, gravity of the genuine acts and the largest 2 × f64
    // = 1 + 8·16 + 4·14 + 12 + 12 + 4·11 + 1 + 8 + 1 + 16 = 279 B; this preset keeps
    // no adverse records: 36 + 279 = 315 B.
    let outcomes = 36.0 + 279.0;
    // A tally: 120 periods × (22 occupancy + 4·8 service + 16 treatment + 24) counters
    // × 8 B = 120 × 94 × 8 = 90,240 B.
    let tally = 120.0 * 94.0 * 8.0;
    assert_eq!(tally, 90_240.0);
    let chunk = 8192.0 * 1.5 * (252.0 + outcomes) + tally; // 7,057,536 B
    let in_flight = 2.0 * (chunk + tally) + 32e6; // 46,295,552 B
    assert_eq!(in_flight, 46_295_552.0);
    assert_eq!(est.in_flight, in_flight as u64);
    // The same at the national scale: in flight does not grow with persons.
    let national = MemoryEstimate::new(&default_preset(Some(NATIONAL)), 2);
    assert_eq!(national.in_flight, est.in_flight);
}

/// At 1,412,000,000 persons on 2 threads: 1.412e9 × 1.543938 B = 2.180 GB kept, plus
/// 43 MB in flight = 2.223 GB, far under the 16 GiB, and within 5% of the peak
/// RSS measured on that run (2,311,213,056 B, docs/PERFORMANCE.md, "A whole country").
#[test]
fn national_scale_fits_in_16_gib() {
    let m = default_preset(Some(NATIONAL));
    assert_eq!(m.persons, NATIONAL);
    let est = MemoryEstimate::new(&m, 2);
    let persistent = NATIONAL as f64 * (4.0 * 1.01 / 2.62 + 16.0 / 8192.0);
    assert!(
        (est.persistent as f64 - persistent).abs() < 2.0,
        "persistent {} vs {persistent}",
        est.persistent
    );
    assert!(est.persistent < 2_200_000_000, "{}", est.persistent);
    assert!(est.in_flight < 64_000_000, "{}", est.in_flight);
    assert!(
        est.total() < GIB_16,
        "{} B is not under 16 GiB",
        est.total()
    );
    // Bound with a margin: the whole national run in under 2.5 GB (the design is about
    // 1.54 bytes per person), not merely under the 16 GiB target.
    assert!(est.total() < 2_500_000_000, "{}", est.total());
    let measured_peak = 2_311_213_056.0;
    let rel = (est.total() as f64 - measured_peak).abs() / measured_peak;
    assert!(
        rel < 0.05,
        "estimate {} vs measured {measured_peak}: {:.1}% apart",
        est.total(),
        100.0 * rel
    );
}

/// A population built for 1,000,000 persons: its tables have the documented shape and
/// their heap bytes per person agree with the estimate's persistent bytes per person.
#[test]
fn built_population_matches_the_estimate() {
    let m = default_preset(Some(1_000_000));
    let pop = Population::build(&m, &Keys::new(m.seed));
    let persons = m.persons as u32;
    let households = pop.households() as usize;
    let hs = &pop.household_start;

    // One entry per household plus the end entry; increasing, sizes 1..=6, covering all.
    assert_eq!(hs.len(), households + 1);
    assert_eq!(hs[0], 0);
    assert_eq!(*hs.last().unwrap(), persons);
    assert!(hs.windows(2).all(|w| (1..=6).contains(&(w[1] - w[0]))));

    // Households: persons / 2.62 = 381,679.4 expected; the count's standard error is
    // about (sd 1.420 / mean 2.62) / √381,679 = 0.088% relative. Tolerance: 1% (> 11 SE;
    // the last household is cut to fit, which moves the count by at most one).
    let expected = 1e6 / 2.62;
    assert!(
        (households as f64 - expected).abs() / expected < 0.01,
        "{households} households, expected about {expected:.0}"
    );

    // Chunks: contiguous whole households, each at least 8192 persons but the last.
    assert_eq!(pop.chunks[0].persons.start, 0);
    assert_eq!(pop.chunks.last().unwrap().persons.end, persons);
    for w in pop.chunks.windows(2) {
        assert_eq!(w[0].persons.end, w[1].persons.start);
        assert_eq!(w[0].households.end, w[1].households.start);
        assert!(w[0].persons.len() >= CHUNK_PERSONS as usize);
        assert!(w[0].persons.len() < CHUNK_PERSONS as usize + 6);
    }

    // The household table was reserved once (4 × 1.01 / 2.62 per person) and never grew:
    // a doubling would put 3 bytes per person where the model says 1.5.
    assert!(hs.capacity() >= hs.len());
    assert!(
        (hs.capacity() as f64) < 1.02 * hs.len() as f64,
        "capacity {} for {} entries: the table was reallocated",
        hs.capacity(),
        hs.len()
    );

    // Heap bytes per person: capacity × 4 for the household table, capacity × 16 for
    // the chunk table; against `persistent_per_person` within 1%.
    assert_eq!(std::mem::size_of::<ChunkRange>(), 16);
    let heap = hs.capacity() * 4 + pop.chunks.capacity() * std::mem::size_of::<ChunkRange>();
    let per_person = heap as f64 / persons as f64;
    let est = MemoryEstimate::new(&m, 2).persistent_per_person;
    assert!(
        (per_person - est).abs() / est < 0.01,
        "built: {per_person:.6} B/person, estimate {est:.6} B/person"
    );
    // And the household table alone, by its length: 4 B per household = 4 / 2.62 = 1.527
    // B/person, within the 1% of the household count.
    let used = hs.len() as f64 * 4.0 / persons as f64;
    assert!((used - 4.0 / 2.62).abs() / (4.0 / 2.62) < 0.01, "{used}");
}
