//! Broken `[[attacks]]` and `[defences]` (tampering with the record store).

use super::{BASE, load};

/// Broken `[[attacks]]` and `[defences]`: each names its field, with a line in the file.
#[test]
fn broken_attacks_name_their_field() {
    const CASES: &[(&str, &str, &str, &str)] = &[
        (
            "an insert without a source",
            "operation = \"insert\"\nfrom_day = 10\nshare = 0.1\nrecords = [\"default\"]",
            "attacks[0].source",
            "an insert names the source its record claims to come from",
        ),
        (
            "an insert of two record types",
            "operation = \"insert\"\nfrom_day = 10\nshare = 0.1\nrecords = [\"default\", \"speeding\"]\nsource = \"court\"",
            "attacks[0].records",
            "an insert names exactly one record type",
        ),
        (
            "an attack window past any horizon",
            "operation = \"delete\"\nfrom_day = 800\nto_day = 99999999\nshare = 0.1",
            "attacks[0].to_day",
            "to_day 99999999 must lie between from_day 800 and 36500",
        ),
        (
            "an attack share above 1",
            "operation = \"delete\"\nfrom_day = 10\nshare = 1.5",
            "attacks[0].share",
            "attack share 1.5 is outside the allowed range [0, 1]",
        ),
        (
            "a delisting from an unknown list",
            "operation = \"delete\"\nfrom_day = 10\nshare = 0.1\nlisted = \"grey\"",
            "attacks[0].listed",
            "unknown list `grey`",
        ),
        (
            "a window that ends before it starts",
            "operation = \"delete\"\nfrom_day = 10\nto_day = 5\nshare = 0.1",
            "attacks[0].to_day",
            "to_day 5 must lie between from_day 10",
        ),
        (
            "a delete with a source",
            "operation = \"delete\"\nfrom_day = 10\nshare = 0.1\nsource = \"court\"",
            "attacks[0].source",
            "a delete or alter takes no source",
        ),
        (
            "an unknown operation",
            "operation = \"shift\"\nfrom_day = 10\nshare = 0.1",
            "attacks[0].operation",
            "unknown variant `shift`",
        ),
        (
            "an alter without shift_days",
            "operation = \"alter\"\nfrom_day = 10\nshare = 0.1",
            "attacks[0].shift_days",
            "an alter names a non-zero shift_days",
        ),
        (
            "an alter by zero days",
            "operation = \"alter\"\nfrom_day = 10\nshare = 0.1\nshift_days = 0",
            "attacks[0].shift_days",
            "an alter names a non-zero shift_days",
        ),
        (
            "an alter beyond any horizon",
            "operation = \"alter\"\nfrom_day = 10\nshare = 0.1\nshift_days = -99999999",
            "attacks[0].shift_days",
            "is outside the allowed range",
        ),
        (
            "a delete with shift_days",
            "operation = \"delete\"\nfrom_day = 10\nshare = 0.1\nshift_days = 30",
            "attacks[0].shift_days",
            "only an alter takes shift_days",
        ),
        (
            "a defence checked every 0 periods",
            "operation = \"delete\"\nfrom_day = 10\nshare = 0.1\n\n[defences]\nreconciliation = { every_periods = 0 }",
            "defences.reconciliation.every_periods",
            "every_periods must be at least 1",
        ),
        (
            "a sampling share above 1",
            "operation = \"delete\"\nfrom_day = 10\nshare = 0.1\n\n[defences]\nsampling = { share = 2.0, every_periods = 1 }",
            "defences.sampling.share",
            "sampling share 2 is outside the allowed range [0, 1]",
        ),
    ];
    for &(what, body, path, fragment) in CASES {
        let text = format!("{BASE}\n[[attacks]]\nid = \"a\"\nattacker = \"insider\"\n{body}\n");
        let err = match load(&text) {
            Ok(_) => panic!("case `{what}`: accepted"),
            Err(e) => e,
        };
        let shown = err.to_string();
        let p = err
            .problems()
            .iter()
            .find(|p| p.message.contains(fragment))
            .unwrap_or_else(|| panic!("case `{what}`: no problem mentions `{fragment}`:\n{shown}"));
        assert_eq!(
            p.path.to_string(),
            path,
            "case `{what}`: field path\n{shown}"
        );
        let line = p.position.map(|x| x.0).unwrap_or(0);
        let attacks = text[..text.find("[[attacks]]").expect("block")]
            .matches('\n')
            .count()
            + 1;
        assert!(
            line >= attacks,
            "case `{what}`: line {line} is in the attack block\n{shown}"
        );
    }
    // A [defences] table needs an attack to detect.
    let err = load(&format!(
        "{BASE}\n[defences]\ncomplaint_probability = 0.1\n"
    ))
    .expect_err("refused");
    assert!(
        err.to_string()
            .contains("[defences] without any [[attacks]]"),
        "{err}"
    );
}
