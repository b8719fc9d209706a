//! The words of search: how text is split, how many typos a word may carry, and how
//! far apart two words are. Pure functions, shared by the index and the query.

use super::api::Highlighted;
use std::collections::HashSet;

/// Lower-cased words of `text`, in order: runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Typos a query word may carry (Meilisearch's rule): none below 5 letters,
/// one from 5, two from 9.
pub fn typo_budget(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The edit distance between `a` and `b` (insertions, deletions, substitutions and
/// swaps of neighbours each count one), or `None` when it is more than `max`.
pub fn distance_within(a: &str, b: &str, max: u8) -> Option<u8> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let max = max as usize;
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Optimal string alignment distance, three rows.
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
            row_min = row_min.min(best);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= max).then_some(distance as u8)
}

/// `name` cut into words and the text between them, the words in `matched`
/// (lower-case) marked.
pub fn highlight(name: &str, matched: &HashSet<String>) -> Vec<Highlighted> {
    let mut pieces: Vec<Highlighted> = Vec::new();
    let mut push = |text: &str, is_word: bool| {
        let is_match = is_word && matched.contains(&text.to_lowercase());
        match pieces.last_mut() {
            Some(last) if last.matched == is_match => last.text.push_str(text),
            _ => pieces.push(Highlighted {
                text: text.to_owned(),
                matched: is_match,
            }),
        }
    };
    let mut start = 0;
    let mut in_word = false;
    for (at, c) in name.char_indices() {
        let is_word = c.is_alphanumeric();
        if is_word != in_word && at > start {
            push(&name[start..at], in_word);
            start = at;
        }
        in_word = is_word;
    }
    if start < name.len() {
        push(&name[start..], in_word);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_runs_of_letters_and_digits() {
        assert_eq!(
            words("Amber  Oak-Bowl, 2 pack!"),
            ["amber", "oak", "bowl", "2", "pack"]
        );
        assert_eq!(words("Crème brûlée"), ["crème", "brûlée"]);
        assert!(words(" -- ").is_empty());
    }

    #[test]
    fn longer_words_may_carry_more_typos() {
        assert_eq!(typo_budget("oak"), 0);
        assert_eq!(typo_budget("bowl"), 0);
        assert_eq!(typo_budget("amber"), 1);
        assert_eq!(typo_budget("stoneware"), 2);
    }

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert_eq!(distance_within("amber", "amber", 1), Some(0));
        assert_eq!(distance_within("ambr", "amber", 1), Some(1));
        assert_eq!(distance_within("anber", "amber", 1), Some(1));
        assert_eq!(distance_within("mabre", "amber", 2), Some(2));
        assert_eq!(distance_within("abmer", "amber", 1), Some(1));
        assert_eq!(distance_within("stonewear", "stoneware", 2), Some(2));
        assert_eq!(distance_within("amber", "umbrella", 2), None);
        assert_eq!(distance_within("oak", "oat", 0), None);
    }

    #[test]
    fn highlighting_marks_matched_words_only() {
        let matched: HashSet<String> = ["oak".to_owned(), "bowl".to_owned()].into();
        let pieces = highlight("Amber Oak-Bowl, oaken", &matched);
        let shown: Vec<(&str, bool)> = pieces
            .iter()
            .map(|p| (p.text.as_str(), p.matched))
            .collect();
        assert_eq!(
            shown,
            [
                ("Amber ", false),
                ("Oak", true),
                ("-", false),
                ("Bowl", true),
                (", oaken", false)
            ]
        );
    }
}
