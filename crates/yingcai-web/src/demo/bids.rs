//! Demo sealed bids: the demo talent's and the demo reviewer's sealed bids on the first
//! need of the year's list (still open: nobody can read them, officers see two), and a
//! government unit's need of an earlier list whose deadline has passed, with its bids
//! opened and formally checked (one passed, one failed with its reasons, one draft that
//! lapsed). Everything goes through the service functions the pages call, the earlier
//! need with the clock of its time; seeded once (nothing when any bid exists).

use yingcai_domain::bid::{BidInput, MemberInput, MilestoneInput, RelationInput};
use yingcai_domain::competition::{CriterionInput, IndicatorInput, NeedInput};
use yingcai_domain::status::NeedStatus;
use yingcai_domain::{Date, Email};
use yingcai_services::bids::{self, Caller};
use yingcai_services::case_attachments::Upload;
use yingcai_services::competitions::{self, CompetitionRules, Decision};
use yingcai_store::{NeedFilter, Store};

use crate::AppError;

const DAY_MS: i64 = 86_400_000;

/// A small, well-formed one-page PDF (a plan's cover page).
fn plan_pdf(title: &str) -> Vec<u8> {
    let text = title.replace(['(', ')', '\\'], " ");
    let stream = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

async fn caller(store: &Store, email: &str) -> Result<Option<Caller>, AppError> {
    let email = Email::parse(email).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(store.credentials_by_email(&email).await?.map(|c| Caller {
        account_id: c.account.account_id,
        email: c.account.email,
        may_bid: true,
        officer: false,
    }))
}

fn milestone(title: &str, deliverable: &str, month: u8, amount: &str) -> MilestoneInput {
    MilestoneInput {
        title: title.into(),
        deliverable: deliverable.into(),
        month: month.to_string(),
        amount: amount.into(),
    }
}

fn member(name: &str, role: &str, organisation: &str) -> MemberInput {
    MemberInput {
        name: name.into(),
        role: role.into(),
        organisation: organisation.into(),
        email: String::new(),
    }
}

/// Starts a bid with `documents` plan PDFs and (unless `draft`) submits it, at `at`.
#[allow(clippy::too_many_arguments)]
async fn bid(
    store: &Store,
    dir: &std::path::Path,
    who: &Caller,
    need_id: i64,
    input: BidInput,
    documents: usize,
    draft: bool,
    at: i64,
) -> Result<i64, AppError> {
    let need = store.need(need_id).await?;
    let checked = input
        .parse(bids::terms(&need))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("demo bid {}: {e}", input.title)))?;
    let uploads = (0..documents)
        .map(|n| Upload {
            file_name: format!("technical-plan-{}.pdf", n + 1),
            bytes: plan_pdf(&format!("Technical plan {} (demo)", n + 1)),
            too_large: false,
        })
        .collect();
    let id = bids::start_bid(store, dir, who, need_id, &checked, uploads, at).await?;
    if !draft {
        bids::submit(store, who, id, at).await?;
    }
    Ok(id)
}

/// What the demo bids are.
#[derive(Debug, Clone, Copy)]
pub struct BidsSeeded {
    /// The still-open need with two sealed bids.
    pub open_need: i64,
    /// The need past its deadline with opened and checked bids.
    pub closed_need: i64,
}

/// Seeds the demo bids (once). `None` when there are bids already, or when the demo
/// accounts or the demo competitions are missing.
pub async fn seed_bids(
    store: &Store,
    settings: &crate::WebSettings,
    today: Date,
    now: i64,
) -> Result<Option<BidsSeeded>, AppError> {
    let (Some(talent), Some(reviewer), Some(enterprise), Some(officer)) = (
        caller(store, "talent@demo.yingcai.cn").await?,
        caller(store, "reviewer@demo.yingcai.cn").await?,
        caller(store, "enterprise@demo.yingcai.cn").await?,
        caller(store, "officer@demo.yingcai.cn").await?,
    ) else {
        return Ok(None);
    };
    if !store.bids_of_bidder(talent.account_id).await?.is_empty() {
        return Ok(None);
    }
    // The list's first need: still open.
    let Some(open_need) = store
        .needs(&NeedFilter {
            statuses: vec![NeedStatus::Published],
            owner_account_id: Some(enterprise.account_id),
            limit: 1,
            ..Default::default()
        })
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let dir = std::path::PathBuf::from(&settings.documents_dir);
    let officer = competitions::Caller {
        account_id: officer.account_id,
        email: officer.email,
        enterprise: false,
        officer: true,
    };

    // An earlier list's need, drafted, published and bid on with the clock of its time.
    let window = i32::try_from(settings.competition_min_bid_days).unwrap_or(30);
    let then = today.plus_days(-(window + 40)).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("the demo's past is off the calendar"))
    })?;
    let then_ms = now - i64::from(window + 40) * DAY_MS;
    let need = NeedInput {
        title: "工业园区能耗在线监测与优化".into(),
        field: "next_gen_it".into(),
        description:
            "为园区重点用能企业部署能耗在线监测，建立负荷预测与优化调度模型，降低综合能耗。".into(),
        indicators: vec![
            IndicatorInput {
                name: "负荷预测误差".into(),
                target: "≤ 5".into(),
                unit: "%".into(),
            },
            IndicatorInput {
                name: "综合能耗下降".into(),
                target: "≥ 8".into(),
                unit: "%".into(),
            },
        ],
        budget: "1,500,000".into(),
        duration_months: "12".into(),
        bid_deadline: then
            .plus_days(window + 5)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        ip_terms: "shared".into(),
        confidentiality: "none".into(),
        criteria: vec![
            CriterionInput {
                name: "技术方案".into(),
                weight: "60".into(),
            },
            CriterionInput {
                name: "实施能力".into(),
                weight: "40".into(),
            },
        ],
        stages: "1".into(),
        winners: "1".into(),
        ..NeedInput::default()
    }
    .parse(&settings.industries, then)
    .map_err(|e| AppError::Internal(anyhow::anyhow!("the demo's closed need: {e}")))?;
    let closed_need = competitions::draft_need(
        store,
        &officer,
        "石家庄高新技术产业开发区管委会",
        &need,
        then_ms,
    )
    .await?;
    competitions::submit_need(store, &officer, closed_need, then, then_ms).await?;
    competitions::decide_need(store, &officer, closed_need, &Decision::Accept, then_ms).await?;
    let rules = CompetitionRules {
        min_bid_window_days: settings.competition_min_bid_days,
    };
    competitions::publish_list(
        store,
        &officer,
        &format!("{} 年揭榜挂帅试点榜单", then.year()),
        &[closed_need],
        rules,
        then,
        then_ms,
    )
    .await
    .map_err(|refusal| {
        AppError::Internal(anyhow::anyhow!("the demo's earlier list: {refusal:?}"))
    })?;
    let bid_at = then_ms + 10 * DAY_MS;
    bid(
        store,
        &dir,
        &talent,
        closed_need,
        BidInput {
            title: "基于数字孪生的园区能耗优化方案".into(),
            plan: "以园区电、热、气计量数据构建数字孪生模型：分钟级采集、LSTM 负荷预测、混合整数规划调度，并在两家企业试点验证。".into(),
            lead_organisation: "河北科技大学".into(),
            members: vec![
                member("赵敏", "算法负责人", "河北科技大学"),
                member("孙浩", "系统集成", "石家庄某自动化有限公司"),
            ],
            milestones: vec![
                milestone("监测平台上线", "平台与接入报告", 4, "500,000"),
                milestone("预测模型验证", "模型测试报告", 8, "500,000"),
                milestone("试点验收", "节能评估报告", 12, "400,000"),
            ],
            budget: "1,400,000".into(),
            relations: vec![RelationInput {
                party: "周工".into(),
                organisation: "高新区能源办".into(),
                nature: "曾共同承担市级课题".into(),
            }],
        },
        1,
        false,
        bid_at,
    )
    .await?;
    bid(
        store,
        &dir,
        &enterprise,
        closed_need,
        BidInput {
            title: "园区能耗监测系统建设".into(),
            plan: "部署智能电表与网关，建设能耗监测平台。".into(),
            lead_organisation: String::new(),
            members: vec![member("钱工", "项目经理", "本企业")],
            milestones: vec![
                milestone("设备安装", "安装记录", 3, "600,000"),
                milestone("平台交付", "验收报告", 10, "600,000"),
            ],
            budget: "1,500,000".into(),
            relations: Vec::new(),
        },
        0,
        false,
        bid_at + DAY_MS,
    )
    .await?;
    bid(
        store,
        &dir,
        &reviewer,
        closed_need,
        BidInput {
            title: "能耗优化（未完成的草稿）".into(),
            ..BidInput::default()
        },
        0,
        true,
        bid_at + 2 * DAY_MS,
    )
    .await?;
    bids::open_due(store, &dir, now).await?;

    // Two sealed bids on the open need.
    bid(
        store,
        &dir,
        &talent,
        open_need.need_id,
        BidInput {
            title: "流延成型＋常压烧结氮化铝基板中试方案".into(),
            plan:
                "以高纯氮化铝粉体流延成型、常压烧结，配合表面金属化工艺，目标热导率 180 W/(m·K)。"
                    .into(),
            lead_organisation: "燕山大学".into(),
            members: vec![member("吴磊", "烧结工艺", "燕山大学")],
            milestones: vec![
                milestone("小样", "样品与检测报告", 9, "1,200,000"),
                milestone("中试", "中试线与批次报告", 24, "1,600,000"),
            ],
            budget: "2,800,000".into(),
            relations: Vec::new(),
        },
        2,
        false,
        now,
    )
    .await?;
    bid(
        store,
        &dir,
        &reviewer,
        open_need.need_id,
        BidInput {
            title: "氮化铝基板热压烧结工艺".into(),
            plan: "热压烧结路线，兼顾抗弯强度与翘曲控制。".into(),
            lead_organisation: "河北省某研究院".into(),
            members: Vec::new(),
            milestones: vec![milestone("样品", "检测报告", 12, "2,000,000")],
            budget: "2,000,000".into(),
            relations: Vec::new(),
        },
        1,
        false,
        now,
    )
    .await?;
    Ok(Some(BidsSeeded {
        open_need: open_need.need_id,
        closed_need,
    }))
}
