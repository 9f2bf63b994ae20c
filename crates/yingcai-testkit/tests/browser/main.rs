//! Real-browser tests: headless Chromium over WebDriver against the app on a free port.
//! Skipped when Chromium is not installed, unless TEST_REQUIRE_BROWSER=1 (as in CI).
//!
//! Keep these few: one per end-to-end journey. Everything else belongs in the HTTP suite.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use fantoccini::Locator;
use fantoccini::key::Key;
use yingcai_testkit::TestApp;
use yingcai_testkit::browser::Browser;

async fn path_of(browser: &Browser) -> String {
    let url = browser.client.current_url().await.expect("url");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Clicks return before the next page has loaded: wait (up to 10 s) until the page at
/// `path` shows `text`.
async fn wait_for(browser: &Browser, path: &str, text: &str) {
    let mut last = (String::new(), String::new());
    for _ in 0..200 {
        let now = path_of(browser).await;
        let html = browser.client.source().await.unwrap_or_default();
        if now == path && html.contains(text) {
            return;
        }
        last = (now, html);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "waited for {path} showing {text:?}; at {} showing:\n{}",
        last.0, last.1
    );
}

async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser
        .client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("field {id}: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

#[tokio::test]
async fn a_visitor_signs_up_signs_in_switches_language_is_refused_an_admin_page_and_signs_out() {
    let Some(browser) = Browser::start("zh-CN").await else {
        return;
    };
    let app = TestApp::spawn().await;
    let c = &browser.client;

    // Sign up (the browser prefers Chinese, so the page is in Chinese).
    c.goto(&app.url("/")).await.expect("home");
    c.find(Locator::LinkText("注册"))
        .await
        .expect("register link")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "/register", "注册账号").await;
    fill(&browser, "display_name", "李伟").await;
    fill(&browser, "email", "li.wei@example.cn").await;
    fill(&browser, "password", "correct horse battery").await;
    fill(&browser, "password_confirm", "correct horse battery").await;
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "/login?registered=1", "账号已创建").await;

    // Sign in with the keyboard only: type, then Enter submits the form.
    fill(&browser, "email", "li.wei@example.cn").await;
    let password = c.find(Locator::Id("password")).await.expect("password");
    password
        .send_keys("correct horse battery")
        .await
        .expect("type");
    password
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .expect("enter");
    wait_for(&browser, "/", "欢迎您，李伟").await;

    // Switch to English; the choice sticks across pages.
    c.find(Locator::LinkText("English"))
        .await
        .expect("switcher")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "/", "Welcome, 李伟.").await;
    c.goto(&app.url("/account")).await.expect("account");
    wait_for(&browser, "/account", "My account").await;

    // An admin page is refused with a readable 403 page.
    c.goto(&app.url("/admin/users")).await.expect("admin page");
    wait_for(&browser, "/admin/users", "Not allowed").await;
    assert!(c.source().await.expect("source").contains("(403)"));

    // Sign out; the account page now asks to sign in.
    c.find(Locator::Css("header form button[type=submit]"))
        .await
        .expect("sign out")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "/", ">Sign in<").await;
    c.goto(&app.url("/account")).await.expect("account");
    wait_for(&browser, "/login?next=%2Faccount", "<h1>Sign in</h1>").await;

    browser.close().await;
}
