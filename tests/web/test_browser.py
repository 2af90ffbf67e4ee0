"""End to end in a real headless Chromium (Debian's chromium + chromedriver), at desktop and phone width.

Never skipped: without Chromium these tests fail and say to run `make test`, which installs it.
Screenshots of the home, results and permalink pages go to a temp folder, or to the folder named by
REPERTOIRE_SCREENSHOTS_DIR: `make screenshots` sets it to docs/screenshots/ to refresh the README's.
"""
import os
from urllib.parse import parse_qs, urlsplit

import pytest
import paths

ROOT = str(paths.ROOT)
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
VIEWPORTS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}
QUERY = "区域组织"


def _require_chromium():
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: run `make test`, which installs chromium, "
                    "chromium-driver and fonts-noto-cjk (Debian packages) before running the tests")


@pytest.fixture(scope="session")
def shots(tmp_path_factory):
    """Where screenshots go: REPERTOIRE_SCREENSHOTS_DIR, else a temp folder (tests leave tracked files alone)."""
    folder = os.environ.get("REPERTOIRE_SCREENSHOTS_DIR") or str(tmp_path_factory.mktemp("screenshots"))
    os.makedirs(folder, exist_ok=True)
    return folder


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def browser(request, live_server, tmp_path_factory):
    """A headless Chromium at one viewport, pointed at the live server; yields (driver, base, name)."""
    _require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    width, height, mobile = VIEWPORTS[request.param]
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--lang=zh-CN", f"--window-size={width},{height}",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        # The viewport itself, not the window: 390 CSS pixels wide on the phone, as a phone renders.
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        driver.set_page_load_timeout(30)
        yield driver, live_server, request.param
    finally:
        driver.quit()


def _wait(driver, condition, timeout=10):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def _css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def _all(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def _click(driver, element):
    """Scroll the element to the middle of the viewport and click it as a user would."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def _args(driver):
    return parse_qs(urlsplit(driver.current_url).query)


def _total(driver):
    return int(_css(driver, "#result-count").get_attribute("data-total"))


def _assert_fits(driver, name):
    """No horizontal scrolling: the page is no wider than the viewport."""
    width = VIEWPORTS[name][0]
    scroll_width = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{driver.current_url}: {scroll_width}px wide at a {width}px viewport"


def _assert_clean_console(driver):
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []


def _screenshot(driver, folder, page, name):
    driver.execute_script("window.scrollTo(0, 0)")
    assert driver.save_screenshot(os.path.join(folder, f"{page}-{name}.png"))


def test_home_focuses_the_search_box_and_fits(browser, shots):
    driver, base, name = browser
    driver.get(base + "/")
    assert driver.switch_to.active_element.get_attribute("id") == "q"
    assert "例如" in _css(driver, "#q").get_attribute("placeholder")
    assert _all(driver, ".meetings a") and _all(driver, ".country-list a")
    _assert_fits(driver, name)
    _screenshot(driver, shots, "home", name)
    _assert_clean_console(driver)


def test_search_facet_chip_pages_permalink_and_back(browser, shots):
    from selenium.webdriver.common.keys import Keys

    driver, base, name = browser
    driver.get(base + "/")
    box = _css(driver, "#q")
    box.send_keys(QUERY)
    box.send_keys(Keys.ENTER)
    _wait(driver, lambda d: "/search" in d.current_url)
    assert _args(driver)["q"] == [QUERY]
    total = _total(driver)
    assert total > 20, "the query must give more than one page"
    assert _all(driver, ".hit mark")
    _assert_fits(driver, name)
    _screenshot(driver, shots, "results", name)
    _assert_clean_console(driver)

    # A facet (on a phone in the filters' panel): the URL gains the value, keeps the query, and the count shrinks.
    if name == "phone":
        _click(driver, _css(driver, ".filters-open"))
        _wait(driver, lambda d: _css(d, "#filters").is_displayed())
    toggle = _all(driver, ".facet[aria-labelledby='facet-country'] a.facet-toggle")[0]
    code = toggle.get_attribute("data-value")
    facet_count = int(toggle.find_element("css selector", ".count").text)
    _click(driver, toggle)
    _wait(driver, lambda d: "country" in _args(d))
    assert _args(driver)["country"] == [code] and _args(driver)["q"] == [QUERY]
    assert _total(driver) == facet_count < total
    assert _css(driver, f"a.facet-toggle.selected[data-value='{code}']")
    _assert_fits(driver, name)

    # Its chip removes it again.
    _click(driver, _css(driver, ".chips a.chip"))
    _wait(driver, lambda d: "country" not in _args(d))
    assert _total(driver) == total and _args(driver)["q"] == [QUERY]

    # Page through, and back.
    _click(driver, _css(driver, ".pagination a.next"))
    _wait(driver, lambda d: _args(d).get("page") == ["2"])
    assert _css(driver, ".pagination strong.current").text == "2"
    first_on_page_2 = _css(driver, ".hit").get_attribute("id")
    driver.back()
    _wait(driver, lambda d: "page" not in _args(d))
    assert _total(driver) == total and _css(driver, ".hit").get_attribute("id") != first_on_page_2

    # A hit's footnotes expand to resolved citations linked to undocs.org in Chinese and English.
    details = next(d for d in _all(driver, ".hit details.footnotes") if d.find_elements("css selector", ".undocs-zh"))
    assert not details.find_element("css selector", ".undocs-zh").is_displayed()
    _click(driver, details.find_element("css selector", "summary"))
    zh = details.find_element("css selector", ".undocs-zh")
    assert zh.is_displayed()
    assert zh.get_attribute("href").startswith("https://undocs.org/zh/")
    assert details.find_element("css selector", ".undocs-en").get_attribute("href").startswith("https://undocs.org/en/")
    _assert_clean_console(driver)

    # That hit's permalink, then back to the same results.
    results_url = driver.current_url
    _click(driver, details.find_element("xpath", "./ancestor::article").find_element("css selector", "a.permalink"))
    _wait(driver, lambda d: "/p/" in d.current_url)
    assert _css(driver, ".record-text").text.strip()
    assert _css(driver, "#permalink").get_attribute("value") == driver.current_url
    assert _css(driver, "button.copy-link").is_displayed(), "copy.js shows the button"
    _assert_fits(driver, name)
    _screenshot(driver, shots, "permalink", name)
    _assert_clean_console(driver)
    driver.back()
    _wait(driver, lambda d: d.current_url == results_url)
    assert _total(driver) == total and _css(driver, "#header-q").get_attribute("value") == QUERY


def test_footnote_marker_opens_its_footnote(browser):
    driver, base, name = browser
    driver.get(base + "/search?q=" + QUERY)
    marker = _css(driver, ".hit sup.fn-ref a")
    target = marker.get_attribute("href").split("#", 1)[1]
    _click(driver, marker)
    _wait(driver, lambda d: d.execute_script(
        "var el = document.getElementById(arguments[0]); return el && el.closest('details').open", target))
    assert _css(driver, f"[id='{target}']").is_displayed()
    _assert_clean_console(driver)


def test_permalink_footnotes_and_meeting(browser):
    driver, base, name = browser
    driver.get(base + "/search?q=" + QUERY)
    _click(driver, _css(driver, ".hit a.permalink"))
    _wait(driver, lambda d: "/p/" in d.current_url)
    links = _all(driver, ".record-footnotes .undocs-zh")
    for link in links:
        assert link.get_attribute("href").startswith("https://undocs.org/zh/")
    meeting = _all(driver, ".record-nav a.meeting-link")
    if meeting:
        _click(driver, meeting[0])
        _wait(driver, lambda d: "/meeting/" in d.current_url)
        assert _all(driver, ".meeting-record")
        _assert_fits(driver, name)
    _assert_clean_console(driver)


@pytest.mark.parametrize("path", ["/nonexistent", "/p/no.such.id", "/search?page=abc"])
def test_error_pages_are_styled_and_clean(browser, path):
    driver, base, name = browser
    driver.get(base + path)
    assert _css(driver, ".error-box h1").text
    _assert_fits(driver, name)
    # The 4xx response itself is logged by Chromium as a network error; anything else is a bug.
    errors = [e for e in driver.get_log("browser")
              if e["level"] == "SEVERE" and "status of 40" not in e["message"]]
    assert errors == []


RECORD = "000_433e06851ef59419.49.p12"


def test_copy_link_puts_the_permalink_on_the_clipboard(browser):
    driver, base, name = browser
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": base, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    try:
        driver.get(f"{base}/p/{RECORD}")
        assert _css(driver, ".copy-status").text == ""
        _click(driver, _css(driver, "button.copy-link"))
        _wait(driver, lambda d: _css(d, ".copy-status").text != "")
        assert _css(driver, ".copy-status").text == "已复制"
        clipboard = driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "navigator.clipboard.readText().then(done, function (e) { done('refused: ' + e); });")
        assert clipboard == f"{base}/p/{RECORD}" == _css(driver, "#permalink").get_attribute("value")
        _assert_clean_console(driver)
    finally:
        driver.execute_cdp_cmd("Browser.resetPermissions", {})


def test_copy_link_refused_selects_the_link_and_says_how_to_copy(browser):
    driver, base, name = browser
    driver.execute_cdp_cmd("Browser.setPermission", {
        "origin": base, "permission": {"name": "clipboard-write"}, "setting": "denied"})
    try:
        driver.get(f"{base}/p/{RECORD}")
        _click(driver, _css(driver, "button.copy-link"))
        _wait(driver, lambda d: _css(d, ".copy-status").text != "")
        assert _css(driver, ".copy-status").text == "请按 Ctrl+C 复制"
        assert driver.switch_to.active_element.get_attribute("id") == "permalink"
        assert driver.execute_script(
            "var el = document.getElementById('permalink');"
            "return el.value.substring(el.selectionStart, el.selectionEnd)") == f"{base}/p/{RECORD}"
    finally:
        driver.execute_cdp_cmd("Browser.resetPermissions", {})


def test_typing_shows_suggestions_and_the_keyboard_opens_one(browser):
    from selenium.webdriver.common.keys import Keys

    driver, base, _ = browser
    driver.get(base + "/")
    box = _css(driver, "#q")
    box.send_keys("fg")
    _wait(driver, lambda d: _css(d, "#q").get_attribute("aria-expanded") == "true")
    options = _all(driver, "#q-suggestions [role=option]")
    assert [o.text.split("\n")[0] for o in options] == ["法国"]
    assert (box.get_attribute("role"), box.get_attribute("aria-controls")) == ("combobox", "q-suggestions")
    assert _css(driver, ".has-suggest [role=status]").get_attribute("textContent") == "1 条建议，可用上下方向键选择"
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == "q-suggestions-0"
    assert options[0].get_attribute("aria-selected") == "true"
    box.send_keys(Keys.ESCAPE)
    assert (box.get_attribute("aria-expanded"), _css(driver, "#q-suggestions").is_displayed()) == ("false", False)
    box.send_keys(Keys.BACKSPACE, "g")  # the same text again: the list comes back
    _wait(driver, lambda d: _css(d, "#q").get_attribute("aria-expanded") == "true")
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    _wait(driver, lambda d: urlsplit(d.current_url).path == "/search")
    assert parse_qs(urlsplit(driver.current_url).query) == {"country": ["FRA"]}
    assert _css(driver, ".chip").text.startswith("国家")


# --- issue 19: keyboard, phone, sharing, and the new pages ------------------------------------------


def _size(element):
    return element.size["width"], element.size["height"]


def _active(driver):
    return driver.switch_to.active_element


def test_the_keyboard_reaches_the_filters_by_the_skip_link(browser):
    from selenium.webdriver.common.keys import Keys

    driver, base, name = browser
    driver.get(f"{base}/search?q={QUERY}")
    body = _css(driver, "body")
    body.send_keys(Keys.TAB)
    assert (_active(driver).text, _active(driver).get_attribute("href").split("#")[1]) == ("跳到正文", "main")
    _active(driver).send_keys(Keys.TAB)
    assert _active(driver).text == "跳到筛选" and _active(driver).is_displayed()
    _active(driver).send_keys(Keys.ENTER)
    _wait(driver, lambda d: _active(d).get_attribute("id") == "filters")
    assert _css(driver, "#filters").is_displayed()
    _active(driver).send_keys(Keys.TAB)
    first_control = _active(driver)
    if name == "phone":  # in the panel: its "完成" first, then the filters
        assert first_control.text == "完成"
        first_control.send_keys(Keys.TAB)
    assert _active(driver).get_attribute("id") == "date-from"
    _assert_clean_console(driver)


def test_each_hit_is_a_heading_a_screen_reader_can_jump_to(browser):
    driver, base, _ = browser
    driver.get(f"{base}/search?q={QUERY}")
    headings = driver.execute_script(
        "return Array.from(document.querySelectorAll('h2')).filter(h => h.closest('.hit')).length")
    assert headings == len(_all(driver, ".hit")) == 20


def test_on_a_phone_the_filters_open_in_a_panel_from_a_visible_button(browser, shots):
    from selenium.webdriver.common.keys import Keys

    driver, base, name = browser
    driver.get(f"{base}/search?q={QUERY}&year=2007")
    opener = _css(driver, ".filters-open")
    if name == "desktop":  # beside the results: no button, no panel
        assert not opener.is_displayed() and _css(driver, "#filters").is_displayed()
        return
    assert opener.is_displayed() and opener.text == "筛选（1）" and _size(opener)[1] >= 44
    assert opener.location["y"] < 300, "the button is at the top of the results"
    assert not _css(driver, "#filters").is_displayed()
    _click(driver, opener)
    panel = _css(driver, "#filters")
    _wait(driver, lambda d: panel.is_displayed())
    assert (opener.get_attribute("aria-expanded"), _active(driver).get_attribute("id")) == ("true", "filters")
    assert driver.execute_script("return getComputedStyle(arguments[0]).position", panel) == "fixed"
    assert "#" not in driver.current_url and driver.execute_script("return window.scrollY") == 0, "the page did not move"
    targets = _all(driver, "#filters a.facet-toggle") + _all(driver, "#filters .filters-close") + \
        _all(driver, "#filters button") + _all(driver, "#filters input[type=date]") + _all(driver, "#filters summary")
    small = [(t.text or t.get_attribute("id"), _size(t)) for t in targets if t.is_displayed() and _size(t)[1] < 44]
    assert small == []
    _assert_fits(driver, name)
    _screenshot(driver, shots, "filters", name)
    # Escape closes it and gives the focus back to the button.
    _active(driver).send_keys(Keys.ESCAPE)
    _wait(driver, lambda d: not panel.is_displayed())
    assert (opener.get_attribute("aria-expanded"), _active(driver).get_attribute("class")) == ("false", "filters-open")
    # A filter chosen in the panel narrows the results, and the panel is closed on the new page.
    _click(driver, opener)
    _wait(driver, lambda d: panel.is_displayed())
    toggle = _all(driver, ".facet[aria-labelledby='facet-country'] a.facet-toggle")[0]
    code = toggle.get_attribute("data-value")
    _click(driver, toggle)
    _wait(driver, lambda d: "country" in _args(d))
    assert _args(driver)["country"] == [code] and not _css(driver, "#filters").is_displayed()
    # "完成" closes it too.
    _click(driver, _css(driver, ".filters-open"))
    _wait(driver, lambda d: _css(d, "#filters").is_displayed())
    _click(driver, _css(driver, ".filters-close"))
    _wait(driver, lambda d: not _css(d, "#filters").is_displayed())
    _assert_clean_console(driver)


def test_without_javascript_the_phone_panel_opens_and_closes_by_its_links(browser):
    driver, base, name = browser
    # The scripts do not load (as when they are blocked or fail): the page works without them.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*.js"]})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        driver.get(f"{base}/search?q={QUERY}")
        assert not _css(driver, "button.copy-link").is_displayed(), "no script: no copy button"
        if name == "desktop":  # the filters beside the results, no button to open them
            assert _css(driver, "#filters").is_displayed() and not _css(driver, ".filters-open").is_displayed()
            return
        _click(driver, _css(driver, ".filters-open"))
        _wait(driver, lambda d: d.current_url.endswith("#filters") and _css(d, "#filters").is_displayed())
        assert _all(driver, "#filters a.facet-toggle")[0].is_displayed()
        _click(driver, _css(driver, ".filters-close"))
        _wait(driver, lambda d: d.current_url.endswith("#results") and not _css(d, "#filters").is_displayed())
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
        driver.get_log("browser")  # (the blocked scripts' errors)


def test_copy_link_on_the_results_page_copies_its_address(browser):
    driver, base, _ = browser
    url = f"{base}/search?q=%E5%8C%BA%E5%9F%9F%E7%BB%84%E7%BB%87&country=FRA&sort=date_desc"
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": base, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    try:
        driver.get(url)
        button = _css(driver, ".toolbar button.copy-link")
        assert button.is_displayed() and not _css(driver, "#page-link").is_displayed()
        _click(driver, button)
        _wait(driver, lambda d: _css(d, ".share .copy-status").text != "")
        assert _css(driver, ".share .copy-status").text == "已复制"
        clipboard = driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "navigator.clipboard.readText().then(done, function (e) { done('refused: ' + e); });")
        assert clipboard == url == _css(driver, "#page-link").get_attribute("value")
        _assert_clean_console(driver)
    finally:
        driver.execute_cdp_cmd("Browser.resetPermissions", {})


def test_copy_link_refused_on_the_results_page_shows_and_selects_the_address(browser):
    driver, base, _ = browser
    driver.execute_cdp_cmd("Browser.setPermission", {
        "origin": base, "permission": {"name": "clipboard-write"}, "setting": "denied"})
    try:
        driver.get(f"{base}/search?q={QUERY}")
        _click(driver, _css(driver, ".toolbar button.copy-link"))
        _wait(driver, lambda d: _css(d, ".share .copy-status").text != "")
        assert _css(driver, ".share .copy-status").text == "请按 Ctrl+C 复制"
        assert _css(driver, "#page-link").is_displayed() and _active(driver).get_attribute("id") == "page-link"
        assert driver.execute_script(
            "var el = document.getElementById('page-link');"
            "return el.value.substring(el.selectionStart, el.selectionEnd)") == driver.current_url
    finally:
        driver.execute_cdp_cmd("Browser.resetPermissions", {})


def test_suggestions_say_how_many_records_each_leads_to(browser):
    driver, base, _ = browser
    driver.get(base + "/")
    _css(driver, "#q").send_keys("fg")
    _wait(driver, lambda d: _css(d, "#q").get_attribute("aria-expanded") == "true")
    assert [o.text.split("\n") for o in _all(driver, "#q-suggestions [role=option]")] == [["法国", "国家 · 28 条"]]


@pytest.mark.parametrize("page, path, check", [
    ("contents", "/", "contents"),
    ("reading", "/", "reading"),
    ("nearest", "/search?q=faguo", "nearest"),
    ("api-docs", "/", "docs"),
])
def test_the_new_pages_are_reached_as_a_reader_would_and_fit(browser, shots, page, path, check):
    driver, base, name = browser
    driver.get(base + path)
    if check in ("contents", "reading"):
        _click(driver, _css(driver, ".holdings-list a[href='/contents']"))
        _wait(driver, lambda d: urlsplit(d.current_url).path == "/contents")
        assert len(_all(driver, ".contents-entry")) == 7
    if check == "reading":
        section = next(a for a in _all(driver, ".contents-entry a") if a.get_attribute("href").endswith("/49/B"))
        _click(driver, section)
        _wait(driver, lambda d: urlsplit(d.current_url).path.endswith("/49/B"))
        assert _css(driver, "h1").text.startswith("B 节") and len(_all(driver, ".meeting-record")) == 20
        assert [a.text for a in _all(driver, ".breadcrumbs a")] == ["目录", "章节（项目 49–50）", "项目 49"]
    if check == "docs":  # from the footer of any page
        _click(driver, next(a for a in _all(driver, ".site-footer a") if a.text == "接口文档"))
        _wait(driver, lambda d: urlsplit(d.current_url).path == "/api/docs")
        assert _css(driver, "h1").text.startswith("接口文档") and _all(driver, "a[href='#schema-Reading']")
    if check == "nearest":
        assert "".join(_css(driver, ".did-you-mean").text.split()) == "您是不是要找：法国28条"
    _assert_fits(driver, name)
    _screenshot(driver, shots, page, name)
    _assert_clean_console(driver)
