"""The page stamp: placed the same way in a page being rendered and in a page already written."""

from __future__ import annotations

import pytest

from mkdocs_govgate.stamp import stamp_text, stamped, stamped_bytes

META = stamp_text("通知/a&b.md", "sha256:" + "0" * 64)


@pytest.mark.parametrize("page", [
    "<html><head><title>通知</title></head><body>正文</body></html>",
    "<HTML><HEAD><title>通知</title></HEAD><body>正文</body></HTML>",
    "<p>没有 head 的页面</p>",
    "<head></head><p>第二个</p><template></head></template>",
    "",
])
def test_written_page_gets_the_stamp_where_a_rendered_one_would(page: str) -> None:
    assert stamped_bytes(page.encode(), META).decode() == stamped(page, META)
    assert stamped(page, META).count('name="govgate-source"') == 1


def test_stamp_escapes_the_source_path() -> None:
    assert 'content="通知/a&amp;b.md"' in META
    assert stamped("<head></head>", "") == "<head></head>" and stamped_bytes(b"x", "") == b"x"
