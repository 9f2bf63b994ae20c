//! Possible duplicates before a case is submitted: the requester's own open cases whose text
//! looks like the new one, so the portal can ask "is this the same as case …?".
//!
//! Texts are compared as sets of character pairs (bigrams) after lowercasing, turning
//! full-width letters and digits into ASCII, and dropping everything but letters and digits
//! (whitespace, Chinese and ASCII punctuation): this needs no word segmentation, so it works
//! for Chinese and English alike. It is a hint, not a judgement: short texts that differ
//! only in one key word (人才公寓 / 人才补贴 …申请进度查询) can score near the threshold.

use std::collections::BTreeSet;

/// The default [`likely_duplicates`] threshold.
pub const DUPLICATE_THRESHOLD: f64 = 0.5;

/// A bigram, or the single character of a one-character text.
type Token = (char, Option<char>);

fn normalise(text: &str) -> Vec<char> {
    text.chars()
        .map(|c| match c {
            // Full-width ASCII (ＡＢＣ１２３) as ASCII.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn tokens(text: &str) -> BTreeSet<Token> {
    let chars = normalise(text);
    match chars.as_slice() {
        [only] => BTreeSet::from([(*only, None)]),
        _ => chars.windows(2).map(|w| (w[0], Some(w[1]))).collect(),
    }
}

fn jaccard(a: &BTreeSet<Token>, b: &BTreeSet<Token>) -> f64 {
    let shared = a.intersection(b).count();
    let union = a.len() + b.len() - shared;
    if union == 0 {
        // Two texts with no letters or digits: nothing to compare.
        return 0.0;
    }
    shared as f64 / union as f64
}

/// How alike two texts are, from 0 (no character pair in common) to 1 (the same pairs):
/// Jaccard over character bigrams after lowercasing and dropping whitespace/punctuation.
/// Texts without any letter or digit score 0.
pub fn similarity(a: &str, b: &str) -> f64 {
    jaccard(&tokens(a), &tokens(b))
}

/// The open cases `(id, text)` whose text scores at least `threshold` against `text`
/// (usually [`DUPLICATE_THRESHOLD`]), best first (equal scores by id).
pub fn likely_duplicates(text: &str, open: &[(i64, String)], threshold: f64) -> Vec<(i64, f64)> {
    let new = tokens(text);
    let mut found: Vec<(i64, f64)> = open
        .iter()
        .map(|(id, other)| (*id, jaccard(&new, &tokens(other))))
        .filter(|&(_, score)| score >= threshold)
        .collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reworded_chinese_question_is_similar() {
        let score = similarity("孩子入学需要办理什么手续", "孩子入学要办什么手续？");
        assert!(score >= DUPLICATE_THRESHOLD, "{score}");
        assert!((score - 7.0 / 13.0).abs() < 1e-9);
        assert!(
            similarity("人才公寓什么时候可以入住？", "人才公寓什么时候能入住")
                >= DUPLICATE_THRESHOLD
        );
    }

    #[test]
    fn unrelated_texts_are_not() {
        for (a, b) in [
            ("孩子入学需要办理什么手续", "企业申请人才公寓的条件是什么"),
            ("孩子入学需要办理什么手续", "高层次人才安家补贴什么时候发放"),
            ("我的绿卡二维码无法显示", "配偶就业安置需要哪些材料"),
            (
                "How do I apply for a talent apartment?",
                "My housing subsidy has not been paid",
            ),
            ("孩子入学", "Children's school enrolment"),
        ] {
            let score = similarity(a, b);
            assert!(score < DUPLICATE_THRESHOLD, "{a} / {b}: {score}");
        }
    }

    #[test]
    fn case_spacing_punctuation_and_full_width_do_not_matter() {
        assert_eq!(
            similarity(
                "How do I apply for a talent apartment?",
                "how do i apply for a TALENT apartment"
            ),
            1.0
        );
        assert_eq!(similarity("绿卡 编号：ＡＢ１２", "绿卡编号ab12"), 1.0);
        assert!(
            similarity(
                "How do I apply for a talent apartment?",
                "How to apply for the talent apartment"
            ) >= DUPLICATE_THRESHOLD
        );
    }

    #[test]
    fn short_and_empty_texts_score_without_dividing_by_zero() {
        assert_eq!(similarity("", ""), 0.0);
        assert_eq!(similarity("？！…", "  "), 0.0);
        assert_eq!(similarity("", "孩子入学"), 0.0);
        assert_eq!(similarity("房", "房"), 1.0);
        assert_eq!(similarity("房", "房租"), 0.0);
        assert_eq!(similarity("ab", "ba"), 0.0);
    }

    #[test]
    fn duplicates_are_listed_best_first() {
        let open = [
            (7, "企业申请人才公寓的条件是什么".to_owned()),
            (3, "孩子入学要办什么手续？".to_owned()),
            (9, "孩子入学需要办理什么手续".to_owned()),
            (4, "孩子入学需要办理什么手续!".to_owned()),
        ];
        let found = likely_duplicates("孩子入学需要办理什么手续", &open, DUPLICATE_THRESHOLD);
        let ids: Vec<i64> = found.iter().map(|f| f.0).collect();
        assert_eq!(ids, [4, 9, 3]);
        assert_eq!(found[0].1, 1.0);
        assert!(likely_duplicates("孩子入学", &open, DUPLICATE_THRESHOLD).is_empty());
        assert!(likely_duplicates("孩子入学", &[], DUPLICATE_THRESHOLD).is_empty());
        assert!(likely_duplicates("孩子入学", &open, f64::NAN).is_empty());
        assert_eq!(likely_duplicates("孩子入学", &open, 0.0).len(), 4);
    }
}
