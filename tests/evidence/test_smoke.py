def test_honest_first_stage(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    assert repo.problems() == {"first#0": []}
