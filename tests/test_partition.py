"""The union-find the catalog and the socle group with: roots chosen by the caller."""

from cqpi_graph.partition import Partition


def test_union_keeps_the_root_the_caller_chooses() -> None:
    p = Partition(["b", "a", "c", "d"])
    p.union("b", "a", keep=min)
    p.union("d", "c")  # default: the first one's root
    assert p.find("b") == "a"
    assert p.find("c") == "d"
    assert p.groups() == {"a": ["b", "a"], "d": ["c", "d"]}


def test_find_of_a_new_item_is_a_set_of_its_own_and_membership() -> None:
    p = Partition()
    assert "x" not in p
    assert p.find("x") == "x"
    assert "x" in p
    p.union("x", "y")
    p.union("y", "z")
    assert {p.find(i) for i in "xyz"} == {"x"}
