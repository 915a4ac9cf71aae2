"""Messages: above the page's content (never over a control), announced to screen readers,
kept until dismissed (errors) or until a few seconds after the person's next action."""

from playwright.sync_api import Page, expect

from .helpers import log_in, open_dialog

OVERLAPS = """(message) => {
  const box = message.getBoundingClientRect();
  const controls = [...document.querySelectorAll("a[href], button, input, select, textarea")]
    .filter((el) => !message.contains(el) && el.getBoundingClientRect().width > 0)
    // Not what a closed menu holds: laid out, perhaps, but not shown.
    .filter((el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: true }));
  return controls.filter((el) => {
    const r = el.getBoundingClientRect();
    return r.left < box.right && r.right > box.left && r.top < box.bottom && r.bottom > box.top;
  }).map((el) => el.outerHTML.slice(0, 80));
}"""


def add_department(page: Page, name: str) -> None:
    page.goto("/departments/")
    dialog = open_dialog(page, "+ Add department", "Add department")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_role("button", name="Add department").click()
    # Saved before the test goes on: a page asked for while the save is still running
    # would find the test database's table locked (SQLite's shared in-memory database).
    expect(page.locator(".message", has_text=name)).to_be_visible()


def test_a_message_covers_nothing_and_stays_until_the_next_action(new_page, hr_admin, staff):
    page = new_page(viewport={"width": 390, "height": 844})
    log_in(page, hr_admin.username)
    add_department(page, "Research")
    message = page.locator(".message", has_text="Research")
    expect(message).to_be_visible()
    assert message.evaluate(OVERLAPS) == []
    # Announced: inside the polite live region.
    expect(page.locator("#messages[aria-live=polite]")).to_contain_text("Research")

    page.wait_for_timeout(6_000)  # looking away: the message waits
    expect(message).to_be_visible()

    page.locator("main h1").click()  # the next action
    page.wait_for_timeout(1_000)
    expect(message).to_be_visible()  # still readable just after the action
    expect(message).to_be_hidden(timeout=8_000)  # and gone a few seconds later


def test_an_error_stays_until_dismissed(page, hr_admin, staff):
    log_in(page, hr_admin.username)
    add_department(page, "Research")
    page.goto("/departments/")
    dialog = open_dialog(page, "+ Add department", "Add department")
    dialog.get_by_label("Name").fill("research")
    dialog.get_by_role("button", name="Add department").click()
    expect(dialog.get_by_role("alert")).to_be_visible()  # a form error, beside the field
    page.keyboard.press("Escape")
    page.route("**/departments/**", lambda route: route.fulfill(status=500, body="boom"))
    page.get_by_role("link", name="+ Add department").click()
    error = page.locator(".message-error")
    expect(error).to_be_visible()
    page.locator("main h1").click()
    page.wait_for_timeout(5_500)
    expect(error).to_be_visible()
    error.get_by_role("button", name="Dismiss this message").click()
    expect(error).to_be_hidden()


def test_a_message_that_came_with_the_page_is_announced(page, hr_admin):
    log_in(page, hr_admin.username)
    page.goto("/departments/new/")
    page.get_by_label("Name").fill("Research")
    page.get_by_role("button", name="Add department").click()  # then on to the list
    expect(page.locator(".message", has_text="Research")).to_be_visible()
    expect(page.locator("#live-status")).to_contain_text("Research")
