//! Files on service-desk cases over HTTP: raised with a case and added with replies and
//! internal notes, downloaded by exactly those who may read the entry they came with,
//! refused (too large, wrong kind, too many) with field errors and nothing kept, carried
//! along by a transfer — on pages and through the API.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use yingcai_domain::Role;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, Visitor, location};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

struct Desk {
    app: TestApp,
    requester: Visitor,
    officer: Visitor,
    /// Of the other team: a supervising officer until the case moves to that team.
    other_officer: Visitor,
    /// Another requester (an enterprise's account).
    stranger: Visitor,
    other_team: i64,
}

async fn desk() -> Desk {
    let app = TestApp::spawn().await;
    let officer = app
        .create_account("officer@team.cn", &[Role::Officer])
        .await;
    let other = app
        .create_account("officer@other.cn", &[Role::Officer])
        .await;
    let team = |name: &str, member: i64, districts: Vec<String>| yingcai_store::TeamInput {
        name: name.into(),
        leader_account_id: Some(member),
        industries: vec!["next_gen_it".into()],
        districts,
        members: vec![member],
    };
    let system = yingcai_store::Actor::System;
    app.store
        .save_service_team(None, &team("A team", officer, vec![]), &system)
        .await
        .unwrap();
    let other_team = app
        .store
        .save_service_team(None, &team("B team", other, vec!["长安区".into()]), &system)
        .await
        .unwrap();
    app.create_account("talent@example.cn", &[Role::Talent])
        .await;
    app.create_account("firm@example.cn", &[Role::Enterprise])
        .await;
    let signed_in = |email: &'static str| {
        let visitor = app.visitor();
        async move {
            visitor.sign_in(email, PASSWORD).await;
            visitor
        }
    };
    Desk {
        requester: signed_in("talent@example.cn").await,
        officer: signed_in("officer@team.cn").await,
        other_officer: signed_in("officer@other.cn").await,
        stranger: signed_in("firm@example.cn").await,
        other_team,
        app,
    }
}

fn file(name: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec()).file_name(name.to_owned())
}

/// Posts a multipart page form with the visitor's anti-forgery token.
async fn post_multipart(
    visitor: &Visitor,
    path: &str,
    fields: &[(&str, &str)],
    files: Vec<Part>,
) -> reqwest::Response {
    if visitor.cookie("yc_csrf").is_none() {
        visitor.get("/").await;
    }
    let mut form = Form::new().text("csrf", visitor.cookie("yc_csrf").unwrap());
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    for part in files {
        form = form.part("files", part);
    }
    visitor
        .client
        .post(visitor.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn raise_with(visitor: &Visitor, title: &str, files: Vec<Part>) -> reqwest::Response {
    post_multipart(
        visitor,
        "/cases",
        &[
            ("category", "schooling"),
            ("title", title),
            (
                "description",
                "A school place for my daughter, papers attached",
            ),
        ],
        files,
    )
    .await
}

fn case_id(location: &str) -> i64 {
    location
        .trim_start_matches("/cases/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a case page: {location}"))
}

/// The links to a case's files on its page, as the visitor sees it.
async fn file_links(visitor: &Visitor, case: i64) -> Vec<String> {
    let (status, html) = visitor.page(&format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK);
    let prefix = format!("/cases/{case}/attachments/");
    html.match_indices(&prefix)
        .map(|(at, _)| html[at..].split('"').next().unwrap_or_default().to_owned())
        .collect()
}

fn files_on_disk(app: &TestApp) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        count(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    count(app.documents_dir())
}

async fn raised(desk: &Desk, files: Vec<Part>) -> i64 {
    let response = raise_with(&desk.requester, "School place", files).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    case_id(&location(&response))
}

#[tokio::test]
async fn a_case_raised_with_a_file_is_downloaded_by_its_requester_and_officers_only() {
    let desk = desk().await;
    let response = raise_with(
        &desk.requester,
        "School place",
        vec![file("户口本 scan.pdf", PDF), file("photo.png", PNG)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let landing = location(&response);
    assert!(landing.ends_with("?done=opened"), "{landing}");
    let case = case_id(&landing);
    let (_, page) = desk.requester.page(&landing).await;
    assert!(page.contains("户口本 scan.pdf"), "{page}");
    let links = file_links(&desk.requester, case).await;
    assert_eq!(links.len(), 2, "{links:?}");

    let response = desk.requester.get(&links[0]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "private, no-store");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"")
            && disposition.contains("filename*=UTF-8''%E6%88%B7%E5%8F%A3%E6%9C%AC%20scan.pdf"),
        "{disposition}"
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);

    // The team and the supervising office may read it; another requester may not know it
    // exists, nor may anyone signed out.
    assert_eq!(desk.officer.get(&links[1]).await.status(), StatusCode::OK);
    assert_eq!(
        desk.other_officer.get(&links[1]).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        desk.stranger.get(&links[0]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        desk.app.visitor().get(&links[0]).await.status(),
        StatusCode::SEE_OTHER
    );
    // A file of another case is not reached through this one.
    let response = post_multipart(
        &desk.requester,
        "/cases",
        &[
            ("category", "schooling"),
            ("title", "School place"),
            ("description", "A school place for my son"),
            ("despite_duplicates", "yes"),
        ],
        vec![],
    )
    .await;
    let other = case_id(&location(&response));
    let attachment = links[0].rsplit('/').next().unwrap();
    assert_eq!(
        desk.requester
            .get(&format!("/cases/{other}/attachments/{attachment}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The upload is in the audit log with the case.
    let entries = desk
        .app
        .store
        .audit_entries(&yingcai_store::AuditFilter {
            action: Some("service_case.attach".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "service_case.attach" && e.entity_id == case.to_string()),
        "no audit entry for the files"
    );
}

#[tokio::test]
async fn files_of_an_internal_note_are_as_hidden_from_the_requester_as_the_note() {
    let desk = desk().await;
    let case = raised(&desk, vec![]).await;
    let response = post_multipart(
        &desk.officer,
        &format!("/cases/{case}/act"),
        &[
            ("action", "note"),
            ("message", "Bureau memo, not for the requester"),
        ],
        vec![file("memo.pdf", PDF)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).ends_with("?done=note"));
    // A reply with only a file, no words.
    let response = post_multipart(
        &desk.officer,
        &format!("/cases/{case}/act"),
        &[("action", "reply"), ("message", "")],
        vec![file("form.png", PNG)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let officer_links = file_links(&desk.officer, case).await;
    assert_eq!(officer_links.len(), 2);
    let (memo, form) = (&officer_links[0], &officer_links[1]);
    let (_, officer_page) = desk.officer.page(&format!("/cases/{case}")).await;
    assert!(officer_page.contains("memo.pdf"));
    assert_eq!(desk.officer.get(memo).await.status(), StatusCode::OK);
    assert_eq!(desk.other_officer.get(memo).await.status(), StatusCode::OK);

    let (_, requester_page) = desk.requester.page(&format!("/cases/{case}")).await;
    assert!(!requester_page.contains("memo.pdf"), "{requester_page}");
    assert!(requester_page.contains("form.png"));
    assert_eq!(file_links(&desk.requester, case).await, vec![form.clone()]);
    assert_eq!(
        desk.requester.get(memo).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        desk.stranger.get(memo).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(desk.requester.get(form).await.status(), StatusCode::OK);

    // Nor through the API: not listed, not in the case, not downloadable.
    let api = ApiClient::signed_in(&desk.app, "talent@example.cn", PASSWORD).await;
    let listed: serde_json::Value = api
        .send(
            Method::GET,
            &format!("/api/v1/cases/{case}/attachments"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["file_name"], "form.png");
    let detail = api
        .send(Method::GET, &format!("/api/v1/cases/{case}"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!detail.contains("memo.pdf"), "{detail}");
    let memo_id = memo.rsplit('/').next().unwrap();
    let response = api
        .send(
            Method::GET,
            &format!("/api/v1/cases/{case}/attachments/{memo_id}"),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let stranger = ApiClient::signed_in(&desk.app, "firm@example.cn", PASSWORD).await;
    let response = stranger
        .send(
            Method::GET,
            &format!("/api/v1/cases/{case}/attachments"),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn refused_files_leave_nothing_behind_and_say_why() {
    let desk = desk().await;
    let big = {
        let mut bytes = PDF.to_vec();
        bytes.resize(10 * 1024 * 1024 + 1, b' ');
        bytes
    };
    let response = raise_with(&desk.requester, "Too big", vec![file("big.pdf", &big)]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("larger than 10 MB"), "{html}");
    assert!(
        html.contains("id=\"files-error\""),
        "next to the field: {html}"
    );
    assert!(
        html.contains("value=\"Too big\""),
        "the form keeps its text"
    );
    let response = raise_with(
        &desk.requester,
        "Wrong kind",
        vec![file("ok.pdf", PDF), file("page.pdf", b"<html><script>")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Only PDF, JPEG and PNG")
    );
    // In Chinese too.
    desk.requester.get("/lang/zh-CN").await;
    let response = raise_with(
        &desk.requester,
        "Wrong kind",
        vec![file("page.pdf", b"MZ\x90\0")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("仅接受 PDF、JPEG 和 PNG 文件")
    );
    let cases = desk
        .app
        .store
        .cases(&yingcai_store::CaseFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(cases.is_empty(), "a refused case was stored");
    assert_eq!(files_on_disk(&desk.app), 0, "a refused file was kept");

    // On a case: refused, nothing added to its history or files.
    let case = raised(&desk, vec![]).await;
    let events = desk.app.store.case_events(case, true).await.unwrap().len();
    let response = post_multipart(
        &desk.officer,
        &format!("/cases/{case}/act"),
        &[("action", "reply"), ("message", "See attached")],
        vec![file("big.pdf", &big)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        desk.app.store.case_events(case, true).await.unwrap().len(),
        events
    );
    assert_eq!(desk.app.store.case_attachment_count(case).await.unwrap(), 0);
    assert_eq!(files_on_disk(&desk.app), 0);

    // The API answers the same fields; too many files for one case are refused whole.
    let api = ApiClient::signed_in(&desk.app, "talent@example.cn", PASSWORD).await;
    let upload = |parts: Vec<Part>| {
        let mut form = Form::new().text("message", "Papers");
        for part in parts {
            form = form.part("files", part);
        }
        reqwest::Client::new()
            .post(desk.app.url(&format!("/api/v1/cases/{case}/attachments")))
            .bearer_auth(api.token.clone().unwrap())
            .multipart(form)
            .send()
    };
    let fields = |body: serde_json::Value| {
        body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["field"].as_str().unwrap().to_owned(),
                    f["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect::<Vec<_>>()
    };
    let response = upload(vec![file("big.pdf", &big)]).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(response.json().await.unwrap()),
        [("files".to_owned(), "document-too-large".to_owned())]
    );
    let response = upload(vec![file("x.png", b"GIF89a....")]).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(response.json().await.unwrap()),
        [("files".to_owned(), "document-type".to_owned())]
    );
    let many = (0..21).map(|i| file(&format!("{i}.pdf"), PDF)).collect();
    let response = upload(many).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(response.json().await.unwrap()),
        [("files".to_owned(), "case-files-too-many".to_owned())]
    );
    assert_eq!(desk.app.store.case_attachment_count(case).await.unwrap(), 0);
    assert_eq!(files_on_disk(&desk.app), 0);
    // Twenty fit, the twenty-first does not.
    let twenty = (0..20).map(|i| file(&format!("{i}.pdf"), PDF)).collect();
    assert_eq!(upload(twenty).await.unwrap().status(), StatusCode::OK);
    let response = upload(vec![file("one-more.png", PNG)]).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        desk.app.store.case_attachment_count(case).await.unwrap(),
        20
    );
}

#[tokio::test]
async fn files_stay_with_a_transferred_case_and_the_new_team_reads_them() {
    let desk = desk().await;
    let case = raised(&desk, vec![file("permit.pdf", PDF)]).await;
    post_multipart(
        &desk.officer,
        &format!("/cases/{case}/act"),
        &[("action", "note"), ("message", "Checked with the district")],
        vec![file("check.png", PNG)],
    )
    .await;
    let response = desk
        .officer
        .post_form(
            &format!("/cases/{case}/transfer"),
            &[
                ("team", &desk.other_team.to_string()),
                ("reason", "Their district"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let links = file_links(&desk.other_officer, case).await;
    assert_eq!(links.len(), 2, "the new team sees both files");
    for link in &links {
        assert_eq!(desk.other_officer.get(link).await.status(), StatusCode::OK);
    }
    // The new team adds its own; the requester still reads what was meant for them.
    let response = post_multipart(
        &desk.other_officer,
        &format!("/cases/{case}/act"),
        &[("action", "reply"), ("message", "The form to fill in")],
        vec![file("form.pdf", PDF)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let requester_links = file_links(&desk.requester, case).await;
    assert_eq!(requester_links.len(), 2, "{requester_links:?}");
    assert!(!requester_links.contains(&links[1]), "the note's file");
    assert_eq!(desk.requester.get(&links[0]).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_api_uploads_lists_and_downloads_as_the_pages_do() {
    let desk = desk().await;
    let case = raised(&desk, vec![]).await;
    let requester = ApiClient::signed_in(&desk.app, "talent@example.cn", PASSWORD).await;
    let officer = ApiClient::signed_in(&desk.app, "officer@team.cn", PASSWORD).await;
    let upload = |client: &ApiClient, action: &str, part: Part| {
        let form = Form::new()
            .text("action", action.to_owned())
            .text("message", "Here it is")
            .part("files", part);
        reqwest::Client::new()
            .post(desk.app.url(&format!("/api/v1/cases/{case}/attachments")))
            .bearer_auth(client.token.clone().unwrap())
            .multipart(form)
            .send()
    };
    let response = upload(&requester, "reply", file("permit.pdf", PDF))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let detail: serde_json::Value = response.json().await.unwrap();
    assert_eq!(detail["attachments"][0]["file_name"], "permit.pdf");
    assert_eq!(detail["attachments"][0]["media_type"], "application/pdf");
    let url = detail["attachments"][0]["url"].as_str().unwrap().to_owned();
    // A requester's note is refused as on the page.
    let response = upload(&requester, "note", file("x.pdf", PDF))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "action");
    // The officer's note is listed for officers only.
    let response = upload(&officer, "note", file("memo.png", PNG))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let listed: serde_json::Value = officer
        .send(
            Method::GET,
            &format!("/api/v1/cases/{case}/attachments"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[1]["visible_to_requester"], false);
    let listed: serde_json::Value = requester
        .send(
            Method::GET,
            &format!("/api/v1/cases/{case}/attachments"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);

    let response = requester.send(Method::GET, &url, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);
    // The page shows what the API added, and the API's file is the page's.
    let links = file_links(&desk.requester, case).await;
    assert_eq!(links.len(), 1);
    assert_eq!(
        links[0].trim_start_matches("/cases/"),
        url.trim_start_matches("/api/v1/cases/")
    );
    let stranger = ApiClient::signed_in(&desk.app, "firm@example.cn", PASSWORD).await;
    assert_eq!(
        stranger.send(Method::GET, &url, None).await.status(),
        StatusCode::NOT_FOUND
    );
    // A case raised with files in one request, as the page's form does; refused files
    // refuse the case, and nothing is written.
    let raise = |part: Part| {
        let form = Form::new()
            .text("category", "schooling")
            .text("title", "Spouse employment")
            .text(
                "description",
                "My wife is a nurse looking for a hospital post",
            )
            .part("files", part);
        reqwest::Client::new()
            .post(desk.app.url("/api/v1/cases"))
            .bearer_auth(stranger.token.clone().unwrap())
            .multipart(form)
            .send()
    };
    let response = raise(file("cv.exe", b"MZ\x90\0")).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "files");
    assert_eq!(body["fields"][0]["code"], "document-type");
    let response = raise(file("cv.pdf", PDF)).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let raised: serde_json::Value = response.json().await.unwrap();
    let raised = raised["case_id"].as_i64().unwrap();
    let listed: serde_json::Value = stranger
        .send(
            Method::GET,
            &format!("/api/v1/cases/{raised}/attachments"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["file_name"], "cv.pdf");
    assert_eq!(
        desk.app
            .store
            .cases(&yingcai_store::CaseFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap()
            .len(),
        2,
        "the refused raise wrote nothing"
    );
    let response = upload(&stranger, "reply", file("x.pdf", PDF))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // No file at all is a field error.
    let response = reqwest::Client::new()
        .post(desk.app.url(&format!("/api/v1/cases/{case}/attachments")))
        .bearer_auth(requester.token.clone().unwrap())
        .multipart(Form::new().text("message", "nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
