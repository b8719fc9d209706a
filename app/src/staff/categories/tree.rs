//! The category tree as plain data: its depth-first order with each category's depth,
//! what lies below a category, whether a move would put a category under itself, and
//! a category's new place among its siblings. Free of SQL, so every rule is tested here.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// One category, as much of it as the tree's rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub position: i64,
    pub name: String,
}

/// The order siblings are shown in, in the shop as here: by position, then by name
/// (positions tie for categories made before they were ordered), then by age.
pub fn sibling_order(a: &Node, b: &Node) -> Ordering {
    a.position
        .cmp(&b.position)
        .then_with(|| a.name.cmp(&b.name))
        .then(a.id.cmp(&b.id))
}

/// A category's place in the depth-first order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// Index into the nodes given to [`flatten`].
    pub index: usize,
    /// 0 for a top-level category.
    pub depth: usize,
    /// First or last among its siblings (so it cannot move up, or down).
    pub first: bool,
    pub last: bool,
}

/// Children per parent (`None`: the top level), each list in sibling order. A node whose
/// parent is not among `nodes` counts as top-level, so it is never lost.
fn children(nodes: &[Node]) -> HashMap<Option<i64>, Vec<usize>> {
    let ids: HashSet<i64> = nodes.iter().map(|n| n.id).collect();
    let mut children: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
    for (index, node) in nodes.iter().enumerate() {
        let parent = node.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(index);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| sibling_order(&nodes[*a], &nodes[*b]));
    }
    children
}

/// Every node once, depth-first: each parent right before its children, siblings in
/// [`sibling_order`]. Nodes caught in a cycle (never in a valid tree) come last, at
/// the top level, rather than vanish.
pub fn flatten(nodes: &[Node]) -> Vec<Placed> {
    let children = children(nodes);
    let mut placed = Vec::with_capacity(nodes.len());
    let mut seen = vec![false; nodes.len()];
    let mut stack: Vec<(usize, usize, bool, bool)> = Vec::new();
    let push_children = |stack: &mut Vec<_>, list: Option<&Vec<usize>>, depth: usize| {
        let list = list.map(Vec::as_slice).unwrap_or_default();
        // Reversed, so the first child is popped first.
        for (i, index) in list.iter().enumerate().rev() {
            stack.push((*index, depth, i == 0, i + 1 == list.len()));
        }
    };
    push_children(&mut stack, children.get(&None), 0);
    loop {
        while let Some((index, depth, first, last)) = stack.pop() {
            if std::mem::replace(&mut seen[index], true) {
                continue;
            }
            placed.push(Placed {
                index,
                depth,
                first,
                last,
            });
            push_children(&mut stack, children.get(&Some(nodes[index].id)), depth + 1);
        }
        match seen.iter().position(|s| !s) {
            Some(index) => stack.push((index, 0, true, true)),
            None => break,
        }
    }
    placed
}

/// The ids of every category below `id` (children, their children, …), not `id` itself.
pub fn descendants(nodes: &[Node], id: i64) -> Vec<i64> {
    let mut below = Vec::new();
    let mut seen = HashSet::from([id]);
    let mut next = vec![id];
    while let Some(parent) = next.pop() {
        for node in nodes.iter().filter(|n| n.parent_id == Some(parent)) {
            if seen.insert(node.id) {
                below.push(node.id);
                next.push(node.id);
            }
        }
    }
    below
}

/// Would putting `id` under `new_parent` make it its own ancestor? That is, is the new
/// parent the category itself or one of those below it. The top level never is.
pub fn would_cycle(nodes: &[Node], id: i64, new_parent: Option<i64>) -> bool {
    match new_parent {
        None => false,
        Some(parent) => parent == id || descendants(nodes, id).contains(&parent),
    }
}

/// Up or down among siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    /// "up" or "down", as the forms send it.
    pub fn parse(text: &str) -> Option<Direction> {
        match text.trim() {
            "up" => Some(Direction::Up),
            "down" => Some(Direction::Down),
            _ => None,
        }
    }
}

/// The ids of the siblings of `id` (itself included), in sibling order.
pub fn siblings(nodes: &[Node], id: i64) -> Vec<i64> {
    let Some(node) = nodes.iter().find(|n| n.id == id) else {
        return Vec::new();
    };
    let mut siblings: Vec<&Node> = nodes
        .iter()
        .filter(|n| n.parent_id == node.parent_id)
        .collect();
    siblings.sort_by(|a, b| sibling_order(a, b));
    siblings.into_iter().map(|n| n.id).collect()
}

/// `order` (sibling ids, in order) with `id` one place up or down; `None` if it is not
/// there or already first (up) or last (down).
pub fn moved(order: &[i64], id: i64, direction: Direction) -> Option<Vec<i64>> {
    let at = order.iter().position(|o| *o == id)?;
    let to = match direction {
        Direction::Up => at.checked_sub(1)?,
        Direction::Down => Some(at + 1).filter(|to| *to < order.len())?,
    };
    let mut order = order.to_vec();
    order.swap(at, to);
    Some(order)
}

/// The position a category added under `parent` takes: after every sibling.
pub fn last_position(nodes: &[Node], parent: Option<i64>) -> i64 {
    nodes
        .iter()
        .filter(|n| n.parent_id == parent)
        .map(|n| n.position + 1)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent_id: Option<i64>, position: i64, name: &str) -> Node {
        Node {
            id,
            parent_id,
            position,
            name: name.to_owned(),
        }
    }

    /// Home (1) ⊃ {Cookware (2) ⊃ Pans (5), Tableware (3)}; Garden (4). Stored out of
    /// order, with Tableware before Cookware by position.
    fn shop() -> Vec<Node> {
        vec![
            node(5, Some(2), 0, "Pans"),
            node(4, None, 1, "Garden"),
            node(2, Some(1), 1, "Cookware"),
            node(1, None, 0, "Home"),
            node(3, Some(1), 0, "Tableware"),
        ]
    }

    fn flat(nodes: &[Node]) -> Vec<(i64, usize, bool, bool)> {
        flatten(nodes)
            .into_iter()
            .map(|p| (nodes[p.index].id, p.depth, p.first, p.last))
            .collect()
    }

    #[test]
    fn flattening_puts_parents_before_children_and_siblings_in_shop_order() {
        assert_eq!(
            flat(&shop()),
            vec![
                (1, 0, true, false),
                (3, 1, true, false),
                (2, 1, false, true),
                (5, 2, true, true),
                (4, 0, false, true),
            ]
        );
    }

    #[test]
    fn siblings_with_equal_positions_are_ordered_by_name() {
        let nodes = vec![node(1, None, 0, "Zinc"), node(2, None, 0, "Acorn")];
        let order: Vec<i64> = flat(&nodes).into_iter().map(|(id, ..)| id).collect();
        assert_eq!(order, vec![2, 1]);
        assert_eq!(siblings(&nodes, 1), vec![2, 1]);
    }

    #[test]
    fn flattening_keeps_orphans_and_cycles_instead_of_losing_them() {
        let nodes = vec![
            node(1, Some(99), 0, "Orphan"),
            node(2, Some(3), 0, "Loop A"),
            node(3, Some(2), 0, "Loop B"),
        ];
        let mut ids: Vec<i64> = flat(&nodes).into_iter().map(|(id, ..)| id).collect();
        assert_eq!(ids[0], 1, "an unknown parent counts as the top level");
        ids.sort_unstable();
        assert_eq!(ids, vec![1, 2, 3]);
    }

    #[test]
    fn descendants_are_everything_below_and_never_the_category_itself() {
        let nodes = shop();
        let mut below = descendants(&nodes, 1);
        below.sort_unstable();
        assert_eq!(below, vec![2, 3, 5]);
        assert_eq!(descendants(&nodes, 2), vec![5]);
        assert!(descendants(&nodes, 5).is_empty());
        assert!(descendants(&nodes, 42).is_empty());
    }

    #[test]
    fn a_category_cannot_go_under_itself_or_anything_below_it() {
        let nodes = shop();
        assert!(would_cycle(&nodes, 1, Some(1)));
        assert!(would_cycle(&nodes, 1, Some(2)));
        assert!(would_cycle(&nodes, 1, Some(5)));
        assert!(!would_cycle(&nodes, 1, Some(4)));
        assert!(!would_cycle(&nodes, 1, None));
        assert!(
            !would_cycle(&nodes, 5, Some(3)),
            "a move across the tree is fine"
        );
        assert!(!would_cycle(&nodes, 2, Some(1)), "staying put is fine");
    }

    #[test]
    fn moving_swaps_with_the_neighbour_and_stops_at_either_end() {
        let order = [3, 2, 7];
        assert_eq!(moved(&order, 2, Direction::Up), Some(vec![2, 3, 7]));
        assert_eq!(moved(&order, 2, Direction::Down), Some(vec![3, 7, 2]));
        assert_eq!(moved(&order, 3, Direction::Up), None);
        assert_eq!(moved(&order, 7, Direction::Down), None);
        assert_eq!(moved(&order, 9, Direction::Up), None);
        assert_eq!(Direction::parse(" down "), Some(Direction::Down));
        assert_eq!(Direction::parse("sideways"), None);
    }

    #[test]
    fn a_new_category_goes_after_its_siblings() {
        let nodes = shop();
        assert_eq!(last_position(&nodes, Some(1)), 2);
        assert_eq!(last_position(&nodes, None), 2);
        assert_eq!(last_position(&nodes, Some(3)), 0);
    }
}
