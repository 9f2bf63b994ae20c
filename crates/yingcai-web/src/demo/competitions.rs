//! Demo open competitions (揭榜挂帅): the demo enterprise's needs and two government units'
//! needs (drafted by the demo officer) in every state — a draft, one awaiting review, one
//! returned with a reason, one accepted and waiting for a list, and three published on the
//! year's first list. Written through the same service functions as the pages, so each
//! has its history and audit entries; seeded once (nothing when any need exists).

use yingcai_domain::competition::{CriterionInput, IndicatorInput, NeedInput};
use yingcai_domain::{Date, Email};
use yingcai_services::competitions::{self, Caller, CompetitionRules, Decision};
use yingcai_store::Store;

use crate::AppError;

/// Where a demo need ends up.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Draft,
    Submitted,
    Returned,
    Accepted,
    Published,
}

struct DemoNeed {
    /// The government unit an officer drafts it for; `None`: the demo enterprise's.
    unit: Option<&'static str>,
    title: &'static str,
    field: &'static str,
    description: &'static str,
    indicators: &'static [(&'static str, &'static str, &'static str)],
    budget: &'static str,
    months: u8,
    /// Days from today to the bid deadline, with the default 30-day bid window (the
    /// site's window moves every deadline by the difference).
    days: i32,
    ip: &'static str,
    confidentiality: &'static str,
    criteria: &'static [(&'static str, u8)],
    stages: u8,
    winners: u8,
    stage: Stage,
}

const NEEDS: [DemoNeed; 7] = [
    DemoNeed {
        unit: None,
        title: "高导热氮化铝陶瓷基板制备技术",
        field: "new_materials",
        description: "面向新能源汽车功率模块，开发高导热、高可靠氮化铝陶瓷基板的成套制备工艺，实现进口替代并具备中试条件。",
        indicators: &[
            ("热导率", "≥ 170", "W/(m·K)"),
            ("抗弯强度", "≥ 400", "MPa"),
            ("基板翘曲度", "< 0.1", "%"),
        ],
        budget: "3,000,000",
        months: 24,
        days: 52,
        ip: "shared",
        confidentiality: "nda_on_bid",
        criteria: &[
            ("技术路线与创新性", 40),
            ("指标可实现性", 30),
            ("团队能力与条件", 20),
            ("经费合理性", 10),
        ],
        stages: 2,
        winners: 1,
        stage: Stage::Published,
    },
    DemoNeed {
        unit: Some("保定市科学技术局"),
        title: "城市内涝智能预警与调度模型",
        field: "next_gen_it",
        description: "融合气象、管网和视频数据，建立主城区内涝分钟级预警模型，并给出泵站与交通的联动调度建议。",
        indicators: &[
            ("积水点预警提前量", "≥ 30", "分钟"),
            ("积水深度预测误差", "≤ 5", "厘米"),
            ("覆盖易涝点", "≥ 120", "处"),
        ],
        budget: "5,000,000",
        months: 18,
        days: 60,
        ip: "issuer",
        confidentiality: "nda_on_award",
        criteria: &[
            ("模型方法", 35),
            ("数据与验证方案", 35),
            ("工程落地能力", 30),
        ],
        stages: 2,
        winners: 3,
        stage: Stage::Published,
    },
    DemoNeed {
        unit: Some("河北省科学技术厅"),
        title: "设施蔬菜病害早期识别",
        field: "green_agriculture",
        description: "以低成本图像与环境传感器识别设施蔬菜主要病害的早期症状，在示范园区连续运行一个生长季。",
        indicators: &[
            ("识别准确率", "≥ 92", "%"),
            ("单棚设备成本", "≤ 3,000", "元"),
        ],
        budget: "800,000",
        months: 12,
        days: 45,
        ip: "team",
        confidentiality: "none",
        criteria: &[("技术方案", 50), ("示范应用", 30), ("成本控制", 20)],
        stages: 1,
        winners: 2,
        stage: Stage::Published,
    },
    DemoNeed {
        unit: None,
        title: "退役锂电池正极材料回收提纯工艺",
        field: "new_materials",
        description: "从退役三元锂电池中回收镍钴锰并再生正极前驱体，工艺须满足环保排放要求。",
        indicators: &[
            ("金属回收率", "≥ 98", "%"),
            ("再生前驱体杂质", "≤ 50", "ppm"),
        ],
        budget: "2,000,000",
        months: 24,
        days: 75,
        ip: "shared",
        confidentiality: "nda_on_bid",
        criteria: &[("工艺路线", 50), ("环保与安全", 30), ("产业化前景", 20)],
        stages: 1,
        winners: 1,
        stage: Stage::Accepted,
    },
    DemoNeed {
        unit: None,
        title: "农产品冷链温控追溯系统",
        field: "next_gen_it",
        description: "为冷链运输车和冷库提供温度连续监测与追溯，异常时自动告警。",
        indicators: &[
            ("温度采样间隔", "≤ 60", "秒"),
            ("断网缓存时长", "≥ 72", "小时"),
        ],
        budget: "600,000",
        months: 10,
        days: 70,
        ip: "issuer",
        confidentiality: "none",
        criteria: &[("系统设计", 60), ("实施经验", 40)],
        stages: 1,
        winners: 1,
        stage: Stage::Submitted,
    },
    DemoNeed {
        unit: None,
        title: "氢燃料电池金属双极板防腐涂层",
        field: "new_materials",
        description: "开发金属双极板表面防腐导电涂层，延长电堆寿命。",
        indicators: &[("接触电阻", "≤ 10", "mΩ·cm²")],
        budget: "1,200,000",
        months: 18,
        days: 80,
        ip: "shared",
        confidentiality: "nda_on_award",
        criteria: &[("涂层方案", 70), ("测试条件", 30)],
        stages: 1,
        winners: 1,
        stage: Stage::Returned,
    },
    DemoNeed {
        unit: None,
        title: "生物基可降解包装膜",
        field: "new_materials",
        description: "以生物基原料开发可降解包装膜，力学性能接近常用聚乙烯膜。",
        indicators: &[("拉伸强度", "≥ 20", "MPa")],
        budget: "900,000",
        months: 12,
        days: 90,
        ip: "team",
        confidentiality: "none",
        criteria: &[("材料方案", 100)],
        stages: 1,
        winners: 1,
        stage: Stage::Draft,
    },
];

async fn caller(store: &Store, email: &str, enterprise: bool) -> Result<Option<Caller>, AppError> {
    let email = Email::parse(email).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(store.credentials_by_email(&email).await?.map(|c| Caller {
        account_id: c.account.account_id,
        email: c.account.email,
        enterprise,
        officer: !enterprise,
    }))
}

/// Seeds the demo needs and the year's first list (once). Returns how many needs were
/// written, or `None` when there were already some or the demo accounts are missing.
pub async fn seed_competitions(
    store: &Store,
    settings: &crate::WebSettings,
    today: Date,
    now: i64,
) -> Result<Option<usize>, AppError> {
    if store.count_needs().await? > 0 {
        return Ok(None);
    }
    let (Some(enterprise), Some(officer)) = (
        caller(store, "enterprise@demo.yingcai.cn", true).await?,
        caller(store, "officer@demo.yingcai.cn", false).await?,
    ) else {
        return Ok(None);
    };
    if store
        .enterprise_of_owner(enterprise.account_id)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let window = i32::try_from(settings.competition_min_bid_days).unwrap_or(30);
    let mut published = Vec::new();
    for demo in &NEEDS {
        let input = NeedInput {
            title: demo.title.into(),
            field: demo.field.into(),
            description: demo.description.into(),
            indicators: demo
                .indicators
                .iter()
                .map(|(name, target, unit)| IndicatorInput {
                    name: (*name).into(),
                    target: (*target).into(),
                    unit: (*unit).into(),
                })
                .collect(),
            budget: demo.budget.into(),
            duration_months: demo.months.to_string(),
            bid_deadline: today
                .plus_days(demo.days - 30 + window)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            ip_terms: demo.ip.into(),
            confidentiality: demo.confidentiality.into(),
            criteria: demo
                .criteria
                .iter()
                .map(|(name, weight)| CriterionInput {
                    name: (*name).into(),
                    weight: weight.to_string(),
                })
                .collect(),
            stages: demo.stages.to_string(),
            winners: demo.winners.to_string(),
            ..NeedInput::default()
        };
        let need = input
            .parse(&settings.industries, today)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("demo need {}: {e}", demo.title)))?;
        let drafter = if demo.unit.is_some() {
            &officer
        } else {
            &enterprise
        };
        let id =
            competitions::draft_need(store, drafter, demo.unit.unwrap_or(""), &need, now).await?;
        if demo.stage == Stage::Draft {
            continue;
        }
        competitions::submit_need(store, drafter, id, today, now).await?;
        let decision = match demo.stage {
            Stage::Returned => Decision::Return {
                reason: "请补充涂层耐久性的测试条件（温度、电位、时长）和验收方式。".into(),
            },
            Stage::Accepted | Stage::Published => Decision::Accept,
            Stage::Draft | Stage::Submitted => continue,
        };
        competitions::decide_need(store, &officer, id, &decision, now).await?;
        if demo.stage == Stage::Published {
            published.push(id);
        }
    }
    let rules = CompetitionRules {
        min_bid_window_days: settings.competition_min_bid_days,
    };
    let title = format!("{} 年第一批揭榜挂帅技术需求榜单", today.year());
    competitions::publish_list(store, &officer, &title, &published, rules, today, now)
        .await
        .map_err(|refusal| AppError::Internal(anyhow::anyhow!("the demo list: {refusal:?}")))?;
    Ok(Some(NEEDS.len()))
}
