//! Property tests over the public API.
#![allow(clippy::unwrap_used)]

use std::sync::LazyLock;

use jiff::{ToSpan, civil::Date, civil::date};
use proptest::prelude::*;
use yingcai_card::{CardClaims, CardNumber, CardSigner, mask_name, verify};

// One key for all cases: key generation is not what is under test.
static SIGNER: LazyLock<CardSigner> = LazyLock::new(|| CardSigner::from_seed(&[42; 32]));

fn day(offset: i32) -> Date {
    date(2000, 1, 1).checked_add(offset.days()).unwrap()
}

prop_compose! {
    fn any_claims()(
        year in 0i16..=9999,
        serial in 0u32..=999_999,
        tier in "\\PC{0,3}",
        holder in "\\PC{0,10}",
        from in 0i32..40_000,
        length in 0i32..4_000,
        issued in 0i32..40_000,
        services in prop::collection::vec("[a-z_]{1,12}", 0..6),
    ) -> CardClaims {
        CardClaims {
            number: CardNumber::new(year, serial).unwrap(),
            tier,
            holder,
            valid_from: day(from),
            valid_until: day(from + length),
            issued: day(issued),
            key_id: SIGNER.key_id(),
            services,
        }
    }
}

fn token_char() -> impl Strategy<Value = char> {
    prop_oneof![
        8 => prop::sample::select(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                .chars()
                .collect::<Vec<_>>()
        ),
        1 => prop::sample::select(vec!['.', '=', '+', '/', ' ', '\n', 'é', '张', '\0']),
    ]
}

proptest! {
    #[test]
    fn any_claims_round_trip(claims in any_claims()) {
        let token = SIGNER.sign(&claims).unwrap();
        prop_assert_eq!(verify(token.as_str(), &SIGNER.public_key()).unwrap(), claims);
    }

    #[test]
    fn any_single_character_change_is_rejected(
        claims in any_claims(),
        position in any::<prop::sample::Index>(),
        replacement in token_char(),
    ) {
        let token = SIGNER.sign(&claims).unwrap();
        let mut chars: Vec<char> = token.as_str().chars().collect();
        let i = position.index(chars.len());
        prop_assume!(chars[i] != replacement);
        chars[i] = replacement;
        let mutated: String = chars.into_iter().collect();
        // Canonical base64 and strict signature checks leave no second
        // spelling of a token, so even "same claims back" would be a bug.
        let result = verify(&mutated, &SIGNER.public_key());
        prop_assert!(result.is_err(), "{} accepted as {:?}", mutated, result);
    }

    #[test]
    fn dropping_or_adding_a_character_is_rejected(
        claims in any_claims(),
        position in any::<prop::sample::Index>(),
        extra in token_char(),
        insert in any::<bool>(),
    ) {
        let token = SIGNER.sign(&claims).unwrap();
        let mut chars: Vec<char> = token.as_str().chars().collect();
        if insert {
            let i = position.index(chars.len() + 1);
            chars.insert(i, extra);
        } else {
            chars.remove(position.index(chars.len()));
        }
        let mutated: String = chars.into_iter().collect();
        prop_assert!(verify(&mutated, &SIGNER.public_key()).is_err());
    }

    #[test]
    fn verify_never_panics_on_junk(junk in "\\PC{0,300}") {
        let _ = verify(&junk, &SIGNER.public_key());
        let _ = verify(&format!("YC1.{junk}"), &SIGNER.public_key());
    }

    #[test]
    fn card_numbers_round_trip(year in 0i16..=9999, serial in 0u32..=999_999) {
        let n = CardNumber::new(year, serial).unwrap();
        prop_assert_eq!(n.to_string().parse::<CardNumber>().unwrap(), n);
    }

    #[test]
    fn masking_keeps_one_visible_character_per_word(name in "\\PC{0,20}") {
        let masked = mask_name(&name);
        let visible = masked.chars().filter(|&c| c != '*' && c != ' ').count();
        let words = name.split_whitespace().count();
        prop_assert!(visible <= words, "{:?} -> {:?}", name, masked);
        prop_assert_eq!(mask_name(&masked), masked.clone(), "masking is idempotent");
    }
}
