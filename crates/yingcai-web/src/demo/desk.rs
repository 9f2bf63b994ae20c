//! Demo data for the industry service teams' case desk (产业人才服务专班): one team per
//! industry of the catalogue, each with its leader and officers; the demo enterprises
//! paired with them; and a few hundred cases raised by the enterprises' and talents'
//! accounts from the start of the year to now — answered, noted, paused on the requester or
//! on another bureau, checklisted, resolved, reopened, closed and rated.
//!
//! Every history is written with its own instants, in increasing order, inside working
//! hours on working days of the official calendar; the clocks' figures stored with a first
//! response or a resolution are read with the case desk's own clock
//! ([`yingcai_casedesk::read`]) from the same timeline the pages read, so they are exact.
//! The same seed gives the same data relative to `now`.

use std::collections::HashMap;

use yingcai_casedesk::{Action, Actor as Side, Timeline, WaitingOn};
use yingcai_domain::status::CaseStatus;
use yingcai_domain::{DisplayName, Email, Locale, Role, RoleSet};
use yingcai_store::{
    Actor, CaseFilter, CaseTransition, EventKind, NewAccount, NewCase, Store, StoreError, TeamInput,
};
use yingcai_worktime::{BeijingMinute, WorkCalendar};

use super::Rng;
use crate::AppError;

/// The demo officers: the team leaders and members below name them by index.
const OFFICERS: [&str; 6] = [
    "officer@demo.yingcai.cn",
    "officer2@demo.yingcai.cn",
    "officer3@demo.yingcai.cn",
    "officer4@demo.yingcai.cn",
    "officer5@demo.yingcai.cn",
    "officer6@demo.yingcai.cn",
];

/// One team per industry of the catalogue (in its order): name, leader, members. The demo
/// officer (`officer@`, index 0) works in the first two.
const TEAMS: [(&str, usize, &[usize]); 5] = [
    ("新一代信息技术产业人才服务专班", 1, &[0, 3]),
    ("生命科学产业人才服务专班", 2, &[0, 4]),
    ("新材料产业人才服务专班", 5, &[3]),
    ("现代服务业人才服务专班", 2, &[4, 3]),
    ("绿色农业产业人才服务专班", 5, &[4]),
];

/// Jobs enterprises recruit for, per industry (the catalogue's order).
const JOBS: [[&str; 3]; 5] = [
    ["嵌入式软件工程师", "芯片设计工程师", "数据安全工程师"],
    ["生物药研发人员", "临床研究医师", "细胞培养工程师"],
    ["材料检测工程师", "碳纤维工艺工程师", "高分子研发人员"],
    ["注册会计师", "知识产权代理人", "会展策划师"],
    ["农业技术推广员", "育种研究员", "智慧农业系统工程师"],
];

/// The demo's talents with accounts: name, and their employer (an index into
/// [`super::enterprises`]).
const TALENTS: [(&str, usize); 12] = [
    ("周涛 Zhou Tao", 1),
    ("吴娜 Wu Na", 7),
    ("郑磊 Zheng Lei", 13),
    ("冯晓东 Feng Xiaodong", 20),
    ("许静 Xu Jing", 26),
    ("何超 He Chao", 2),
    ("罗慧 Luo Hui", 8),
    ("高建国 Gao Jianguo", 14),
    ("林芳 Lin Fang", 21),
    ("马杰 Ma Jie", 27),
    ("胡敏 Hu Min", 3),
    ("梁洋 Liang Yang", 9),
];

/// What a case is about, as its requester writes it and its team answers it. `{job}`,
/// `{n}`, `{district}`, `{month}` (the opening's) and `{next_month}` are filled in per case.
struct Topic {
    category: &'static str,
    title: &'static str,
    description: &'static str,
    /// The team's first answer.
    reply: &'static str,
    /// What the team asks the requester for (the case waits on the requester).
    ask: &'static str,
    /// The requester's answer.
    answer: &'static str,
    /// The team's resolution.
    resolution: &'static str,
}

const fn topic(
    category: &'static str,
    [title, description, reply, ask, answer, resolution]: [&'static str; 6],
) -> Topic {
    Topic {
        category,
        title,
        description,
        reply,
        ask,
        answer,
        resolution,
    }
}

/// What enterprises raise.
const ENTERPRISE_TOPICS: [Topic; 19] = [
    topic(
        "recruitment",
        [
            "急需招聘{job}{n}名",
            "我公司承接了重点研发项目，急需具有3年以上工作经验的{job}{n}名，希望专班协助对接高校和人才市场资源，并告知近期可以参加的专场招聘活动。",
            "您好，诉求已收到。专班已将岗位需求推送至市人才市场和省内相关高校就业指导中心，近期有两场专场招聘会可以报名，具体安排稍后发给您。",
            "请补充岗位说明书（含薪酬区间、学历和专业要求）和营业执照复印件，我们据此向高校统一发布。",
            "岗位说明书和营业执照复印件已上传，薪酬区间为年薪18万至30万元，可面议。",
            "岗位信息已在市人才网和5所高校就业网发布，并为贵公司预留了本月专场招聘会展位，报名回执已发送至联系人邮箱。",
        ],
    ),
    topic(
        "recruitment",
        [
            "报名参加高校毕业生专场招聘会",
            "我公司计划招收{n}名2026届高校毕业生，想报名参加市人社局组织的高校毕业生专场招聘会，请问报名方式和展位安排。",
            "您好，本季度专场招聘会将在{district}人才市场举办，企业报名免费，专班可以协助办理。",
            "请提供参会人员名单、拟招聘岗位及人数，以便安排展位。",
            "参会人员为人事经理和技术主管两人，拟招聘{n}个岗位，明细已上传。",
            "已为贵公司安排展位，展位号和入场须知已发送至联系人邮箱，请按时参会。",
        ],
    ),
    topic(
        "recruitment",
        [
            "博士后科研工作站招收博士后咨询",
            "我公司已设立博士后科研工作站，今年计划招收2名博士后，请问招收流程、进站资助标准以及与高校联合培养的办法。",
            "您好，博士后进站需通过全国博士后管理信息系统提交申请，市里对新进站博士后有日常经费资助，专班已整理办理指南。",
            "请提供工作站设站批复文件和拟招收人员的基本情况，便于我们核对资助条件。",
            "设站批复和两名候选人的简历已上传。",
            "已将办理指南、资助标准和联合培养协议范本发给贵公司，并与合作高校博士后管理办公室约定了对接时间。",
        ],
    ),
    topic(
        "recruitment",
        [
            "海外高层次人才引进渠道咨询",
            "我公司希望引进一名{job}方向的海外专家，请专班介绍海外引才渠道、引才补贴以及需要准备的材料。",
            "您好，目前可通过海外引才工作站和国际人才交流大会对接海外专家，符合条件的可申请引才补贴。",
            "请说明拟引进专家的研究方向、现任职机构和拟签约年限。",
            "拟引进专家现任职于德国一家研究所，从事{job}相关研究，拟签约三年。",
            "已向海外引才工作站推送需求，并将引才补贴申报指南和材料清单发送给贵公司，后续有合适人选将直接联系贵公司。",
        ],
    ),
    topic(
        "recruitment",
        [
            "就业见习补贴申报咨询",
            "我公司今年接收了{n}名高校学生参加就业见习，想申请就业见习补贴，请问需要提交哪些材料、什么时候申报？",
            "您好，就业见习补贴按月申报，需提供见习协议、见习人员花名册和生活补助发放凭证。",
            "请上传见习协议和生活补助发放的银行流水。",
            "见习协议和银行流水已上传，共{n}人。",
            "材料已审核通过并转{district}人社局，补贴将在下月底前拨付至企业对公账户。",
        ],
    ),
    topic(
        "funding",
        [
            "引才奖励资金申领",
            "我公司今年全职引进博士{n}名，按政策可申请引才奖励，请问申报系统何时开放、需要提交哪些材料。",
            "您好，引才奖励每季度集中受理一次，本季度受理期至月底，材料包括劳动合同、社保缴纳证明和学历学位证书。",
            "请上传引进人员的劳动合同和近三个月社保缴纳证明。",
            "{n}名博士的劳动合同和社保缴纳证明已上传。",
            "申报材料已审核通过，奖励资金已列入本批次拨付计划，预计15个工作日内到账。",
        ],
    ),
    topic(
        "funding",
        [
            "省级企业技术中心配套资助申报",
            "我公司拟申报省级企业技术中心，想了解市级配套资助的标准和申报时间节点。",
            "您好，获批省级企业技术中心的企业可申请市级一次性配套资助，申报在认定结果公布后进行。",
            "请提供技术中心认定申报书和近两年研发投入专项审计报告。",
            "申报书和研发投入专项审计报告已上传。",
            "已将配套资助申报指南发给贵公司，并登记为重点跟踪企业，认定结果公布后专班将第一时间通知办理。",
        ],
    ),
    topic(
        "funding",
        [
            "创新创业团队资助资金拨付进度查询",
            "我公司去年入选市级创新创业团队项目，第二期资助资金至今未到账，请帮助查询拨付进度。",
            "您好，已向市科技局了解情况，第二期资金需先完成中期评估。",
            "请提供中期评估报告和资金使用情况说明。",
            "中期评估报告和资金使用情况说明已上传。",
            "中期评估已通过，第二期资金已于本周拨付，请注意查收。",
        ],
    ),
    topic(
        "funding",
        [
            "研发人才薪酬补贴申请",
            "我公司研发人员占比超过30%，想了解研发人才薪酬补贴的申请条件和补贴标准。",
            "您好，研发人才薪酬补贴面向年薪达到一定标准的研发骨干，按其个人所得税地方留成部分给予补贴。",
            "请提供研发人员名单及上一年度个人所得税完税证明。",
            "研发人员名单和完税证明已上传，共{n}人。",
            "经核对，符合条件的人员已纳入本年度补贴名单，公示结束后拨付。",
        ],
    ),
    topic(
        "talent_policy",
        [
            "高层次人才认定条件咨询",
            "我公司一名研发负责人拥有博士学位并主持过省级科研项目，想了解能否认定为C类高层次人才，认定需要哪些证明材料？",
            "您好，C类人才认定主要看学历、职称和承担项目情况，主持省级项目的博士一般符合条件。",
            "请提供该同志的学位证书、项目立项文件和劳动合同。",
            "学位证书、项目立项文件和劳动合同已上传。",
            "经初审符合C类人才认定条件，已提交市人才工作领导小组办公室复核，认定结果将通过平台通知。",
        ],
    ),
    topic(
        "talent_policy",
        [
            "新引进硕士可享受的人才政策",
            "我公司今年引进了{n}名硕士研究生，想了解企业和个人分别可以享受哪些人才政策，如何申请。",
            "您好，企业可申请引才奖励，个人可申请生活补贴和租房补贴，专班已整理了政策清单。",
            "请提供引进人员名单和学历证明，我们帮您逐一核对可享受的政策。",
            "人员名单和学历证书扫描件已上传。",
            "已为每位人员核对并列出可享受的政策和办理时间，清单已发送至联系人邮箱。",
        ],
    ),
    topic(
        "talent_policy",
        [
            "申请人才政策宣讲进企业",
            "希望专班安排人员到我公司开展人才政策宣讲，公司员工约200人，其中研发人员80人。",
            "您好，专班可以安排政策宣讲，时间可在下月的工作日中选择。",
            "请告知两个备选时间和会场可容纳的人数。",
            "备选时间为下周三和周五下午，会议室可容纳120人。",
            "已确定宣讲时间，宣讲提纲已发给贵公司，届时专班两名工作人员到场讲解并现场答疑。",
        ],
    ),
    topic(
        "permits",
        [
            "外籍专家工作许可办理",
            "我公司聘请的一名德国籍工程师即将入职，需要办理外国人工作许可和居留许可，请专班指导办理流程并协助预约。",
            "您好，外国人工作许可在线申请后需现场核验，专班可协助预约并提供材料清单。",
            "请上传护照、学历认证和无犯罪记录证明的扫描件。",
            "护照、学历认证和无犯罪记录证明已上传。",
            "工作许可已获批，居留许可已预约出入境管理部门现场办理，请按时前往。",
        ],
    ),
    topic(
        "permits",
        [
            "外籍研发人员居留许可延期",
            "我公司一名外籍研发人员的居留许可下月到期，请问延期需要哪些材料，能否加急办理？",
            "您好，居留许可延期需在到期前30日内申请，高层次人才可走绿色通道。",
            "请提供工作许可证和单位出具的续聘证明。",
            "工作许可证和续聘证明已上传。",
            "已协助预约绿色通道，延期手续当日办结。",
        ],
    ),
    topic(
        "other",
        [
            "技术骨干培训场地协调",
            "我公司计划在{next_month}月举办技术骨干培训班，约60人，希望协调人才服务中心的培训场地。",
            "您好，人才服务中心培训教室可免费预约，专班正在核对档期。",
            "请告知培训的具体日期和所需设备。",
            "培训安排在{next_month}月中旬，为期两天，需要投影和电脑。",
            "已为贵公司预约人才服务中心二楼培训教室两天，预约确认单已发送。",
        ],
    ),
    topic(
        "other",
        [
            "人才服务窗口可办业务咨询",
            "我公司新成立，想了解在人才服务窗口可以集中办理哪些人才相关业务，是否需要预约。",
            "您好，人才服务窗口可集中办理人才认定、补贴申领、落户、子女入学等业务，专班已整理业务清单。",
            "请告知贵公司联络员的姓名和电话，便于专班日后对接。",
            "联络员为人事主管，电话已在企业信息中更新。",
            "已将窗口业务清单和预约方式发给贵公司，并登记为专班联系企业。",
        ],
    ),
    topic(
        "housing",
        [
            "新引进员工集中租住人才公寓咨询",
            "我公司今年新引进{n}名员工，想了解能否以企业名义集中申请人才公寓。",
            "您好，人才公寓可由用人单位集中申请，按配租轮次统一分配。",
            "请提供拟入住人员名单及其劳动合同。",
            "拟入住人员名单和劳动合同已上传，共{n}人。",
            "已将贵公司登记为下一轮集中配租单位，配租开始前专班会通知贵公司。",
        ],
    ),
    topic(
        "recruitment",
        [
            "校企合作订单班对接",
            "我公司希望与省内职业院校合作开设{job}订单班，每年培养约{n}0名技术人员，请专班协助对接院校。",
            "您好，已梳理了开设相关专业的三所职业院校，专班可以组织对接座谈。",
            "请提供订单班的培养方向、人数和企业可提供的实训条件。",
            "培养方案和实训条件说明已上传。",
            "已组织贵公司与两所职业院校座谈，合作意向书已签订，秋季学期开班。",
        ],
    ),
    topic(
        "talent_policy",
        [
            "企业人才工作站申报",
            "我公司想申报市级企业人才工作站，请问申报条件和支持政策是什么？",
            "您好，企业人才工作站面向高层次人才集聚的企业，认定后给予建站经费支持。",
            "请提供企业高层次人才名单和近三年人才引进培养情况。",
            "高层次人才名单和人才工作情况说明已上传。",
            "申报材料已受理并纳入本年度评审，评审结果将在平台公布。",
        ],
    ),
];

/// What talents raise.
const TALENT_TOPICS: [Topic; 17] = [
    topic(
        "housing",
        [
            "人才公寓申请资格咨询",
            "我是今年新引进的硕士研究生，目前在{district}租房居住，想申请人才公寓，请问需要满足哪些条件、何时开放申请？",
            "您好，人才公寓面向在本市无自有住房的引进人才，每年集中配租两次，下一轮将在平台公告。",
            "请确认是否已取得人才绿卡，并上传劳动合同。",
            "已取得人才绿卡，劳动合同已上传。",
            "经核对您符合申请条件，已将您登记为下一轮配租的提醒对象，开放申请时平台会通知您。",
        ],
    ),
    topic(
        "housing",
        [
            "人才公寓卫生间漏水维修",
            "我入住的人才公寓卫生间漏水已有一周，向物业报修后仍未处理，请专班协调。",
            "您好，已将情况转告公寓运营单位，要求三个工作日内上门维修。",
            "请告知方便上门维修的时间段。",
            "工作日晚上六点以后或周末都可以。",
            "运营单位已上门更换了防水层和下水管件，维修完成，请您确认。",
        ],
    ),
    topic(
        "housing",
        [
            "人才购房补贴申请材料咨询",
            "我在{district}首次购房，想申请人才购房补贴，请问需要提交哪些材料，网签合同是否可以？",
            "您好，购房补贴以不动产权证书或网签备案合同为准，首次购房可以申请。",
            "请上传网签备案合同和购房发票。",
            "网签备案合同和购房发票已上传。",
            "材料已审核通过，补贴将在公示期满后分三年发放，首期预计下月到账。",
        ],
    ),
    topic(
        "housing",
        [
            "租房补贴连续两个月未到账",
            "我的租房补贴已连续两个月未到账，银行卡信息没有变化，请帮助查询原因。",
            "您好，已向发放部门查询，近期有一批补贴因银行账户核验未通过被退回。",
            "请提供银行卡开户行全称和卡号后四位，以便核对。",
            "开户行为中国银行石家庄分行营业部，卡号后四位为6188。",
            "账户信息已更正，两个月的租房补贴已重新发放，请注意查收。",
        ],
    ),
    topic(
        "schooling",
        [
            "子女入学申请（小学一年级）",
            "我的孩子今年秋季将上小学一年级，户籍还在外省，我在{district}工作，想申请人才子女入学，请问如何办理？",
            "您好，高层次人才子女入学可由专班协调教育部门统筹安排，原则上就近入学。",
            "请上传户口簿、出生证明和人才绿卡。",
            "户口簿、出生证明和人才绿卡已上传。",
            "经与{district}教育局协调，孩子已安排在就近的公办小学就读，入学通知书将由学校发放。",
        ],
    ),
    topic(
        "schooling",
        [
            "子女转学（初二）协调",
            "我全家随单位迁来石家庄，孩子目前在外地读初二，希望转入{district}的公办初中，请专班协助联系学校。",
            "您好，已将转学需求转{district}教育局，初中转学需先确认学位情况。",
            "请上传孩子的学籍信息表和近一年的成绩单。",
            "学籍信息表和成绩单已上传。",
            "已协调{district}一所公办初中接收，转学手续已在学籍系统中办理完毕。",
        ],
    ),
    topic(
        "schooling",
        [
            "子女入园申请",
            "孩子3岁，想申请{district}的公办幼儿园，请问高层次人才子女入园有没有优先政策？",
            "您好，人才子女可在公办幼儿园招生时优先录取，专班可协助联系。",
            "请提供孩子的出生证明和疫苗接种证。",
            "出生证明和疫苗接种证已上传。",
            "已与{district}教育局确认，孩子已列入公办幼儿园优先录取名单，九月一日入园。",
        ],
    ),
    topic(
        "spouse_employment",
        [
            "配偶就业安置申请",
            "我的爱人原在外省一家三甲医院任护士，随我来冀工作，希望专班协助推荐医疗机构的就业岗位。",
            "您好，已将需求转市卫生健康委，同时在人才市场为您爱人推荐合适岗位。",
            "请上传您爱人的简历、护士执业证书和职称证书。",
            "简历、护士执业证书和职称证书已上传。",
            "市内一家二甲医院已与您爱人完成面试并发出录用通知，配偶就业安置办结。",
        ],
    ),
    topic(
        "spouse_employment",
        [
            "配偶工作调动协调",
            "我爱人是外省事业单位在编教师，希望调入石家庄市的中小学任教，请问调动的流程和需要的材料。",
            "您好，事业单位人员调动需接收单位同意并报主管部门审批，专班可协助对接教育部门。",
            "请提供您爱人的教师资格证、职称证书和原单位同意调出的意见。",
            "教师资格证、职称证书和原单位意见已上传。",
            "{district}教育局已同意接收，调动手续正在办理，报到时间另行通知。",
        ],
    ),
    topic(
        "spouse_employment",
        [
            "配偶灵活就业社保接续咨询",
            "我爱人来石家庄后暂未就业，想以灵活就业人员身份接续社保，请问如何办理。",
            "您好，灵活就业人员可在社保经办窗口或线上办理参保登记，原参保地的缴费年限可以转移接续。",
            "请提供您爱人的身份证和原参保地的参保缴费凭证。",
            "身份证和参保缴费凭证已上传。",
            "已指导办理灵活就业参保登记，社保关系转移接续申请已提交，预计一个月内完成。",
        ],
    ),
    topic(
        "talent_policy",
        [
            "博士生活补贴发放时间咨询",
            "我于今年{month}月入职，已提交博士生活补贴申请，想了解审核进度和首次发放时间。",
            "您好，博士生活补贴按季度审核发放，您的申请已在审核中。",
            "请确认银行卡信息是否已在个人档案中填写。",
            "银行卡信息已填写，开户行为建设银行。",
            "申请已审核通过，首次补贴将随本季度批次发放，以后每月按时到账。",
        ],
    ),
    topic(
        "talent_policy",
        [
            "人才绿卡服务权益办理咨询",
            "我已取得人才绿卡，想了解持卡可以享受的医疗、交通和景区等权益如何办理，是否需要另外申请。",
            "您好，人才绿卡的大部分服务权益凭卡即可享受，医疗绿色通道需先在签约医院登记。",
            "请告知您希望登记的签约医院。",
            "希望登记在河北医科大学第二医院。",
            "已为您在签约医院登记医疗绿色通道，权益清单已发至您的平台消息。",
        ],
    ),
    topic(
        "talent_policy",
        [
            "外省职称确认绿色通道咨询",
            "我在外省已取得副高级职称，调入后希望通过绿色通道确认，请问如何办理。",
            "您好，引进人才在外省取得的职称可申请确认，高层次人才可走绿色通道。",
            "请上传职称证书、评审表和近五年的代表性成果。",
            "职称证书、评审表和代表性成果已上传。",
            "职称确认已办结，确认文件可在平台下载。",
        ],
    ),
    topic(
        "permits",
        [
            "人才落户办理咨询",
            "我是新引进的博士，想把本人和家属的户口迁入石家庄，请问人才落户需要的材料和办理地点。",
            "您好，人才落户可在人才服务窗口一站式办理，家属可随迁。",
            "请上传学历学位证书、劳动合同和家属关系证明。",
            "学历学位证书、劳动合同和结婚证已上传。",
            "落户手续已办结，准迁证已开具，请携带原户籍证明到{district}派出所办理入户。",
        ],
    ),
    topic(
        "permits",
        [
            "出国参会护照加急办理",
            "我需要赴境外参加学术会议，护照已过期，想咨询人才能否加急办理护照。",
            "您好，高层次人才可申请出入境证件加急办理，专班可协助预约。",
            "请上传会议邀请函和人才绿卡。",
            "会议邀请函和人才绿卡已上传。",
            "已预约出入境管理部门绿色通道，护照已于五个工作日内办结。",
        ],
    ),
    topic(
        "other",
        [
            "人才健康体检预约",
            "听说高层次人才每年可享受一次免费健康体检，请问如何预约？",
            "您好，人才健康体检由签约医院提供，每年一次，可通过专班预约。",
            "请告知您方便的体检日期。",
            "下周二上午可以。",
            "已为您预约下周二上午的体检，预约短信已发送到您的手机。",
        ],
    ),
    topic(
        "funding",
        [
            "青年人才创业启动资金申请",
            "我和两位同事准备在{district}创办一家科技公司，想了解青年人才创业启动资金的申请条件。",
            "您好，创业启动资金面向在本市首次创业的青年人才，按项目评审结果给予资助。",
            "请提供创业计划书和营业执照（或名称预核准通知书）。",
            "创业计划书和名称预核准通知书已上传。",
            "项目已纳入本批次评审，评审时间和路演安排将通过平台通知您。",
        ],
    ),
];

/// Whom the team waits on, per category (the requester reads it).
fn bureau(category: &str) -> &'static str {
    match category {
        "recruitment" => "已将需求函告市人社局人才市场处，等待其反馈招聘会档期。",
        "talent_policy" => "该事项需市人才工作领导小组办公室复核，已发函，等待答复。",
        "housing" => "已函请市住房保障中心核查，等待其答复。",
        "schooling" => "已将入学需求函告{district}教育局，等待其统筹学位后答复。",
        "spouse_employment" => "已将就业需求转相关主管部门，等待其反馈岗位情况。",
        "permits" => "已将材料转公安出入境管理部门审核，等待审核结果。",
        "funding" => "已向市财政局核实资金拨付安排，等待其答复。",
        _ => "已与相关部门联系，等待其答复。",
    }
}

/// The team's checklist for a case of the category.
fn checklist(category: &str) -> [&'static str; 2] {
    match category {
        "recruitment" => ["发布岗位信息", "回访企业招聘结果"],
        "talent_policy" => ["核对认定材料", "通知申请人办理结果"],
        "housing" => ["核查住房情况", "回访办理结果"],
        "schooling" => ["函告教育局", "确认学校接收"],
        "spouse_employment" => ["推荐就业岗位", "跟踪面试结果"],
        "permits" => ["核对证件材料", "预约现场办理"],
        "funding" => ["核对申报材料", "确认资金到账"],
        _ => ["联系相关部门", "回访申请人"],
    }
}

const NOTES: [&str; 8] = [
    "已电话联系申请人，核实了基本情况。",
    "申请人材料齐全，可直接转办。",
    "类似诉求本月已有3件，建议汇总后一并协调。",
    "申请人比较着急，答复时请说明具体时间节点。",
    "已与对口部门经办人电话沟通，对方表示本周内答复。",
    "已在专班周例会上通报，由专班负责人牵头协调。",
    "该企业为今年重点服务企业，请优先办理。",
    "注意核对材料原件，上次同类事项因复印件不清被退回。",
];

const RESUMED: &str = "已收到相关部门答复，专班继续为您办理。";
const REOPEN: [&str; 3] = [
    "按答复去办理时，窗口说还缺少一份证明，请再帮忙协调。",
    "事情还没有落实，请再帮忙催一下。",
    "款项仍未到账，请再帮忙查询。",
];
const REOPEN_REPLY: &str = "抱歉给您带来不便，已重新与相关部门核实，正在加急处理。";
const RESOLVED_AGAIN: &str = "已重新协调办结，相关部门确认问题已解决，如仍有疑问请随时联系专班。";
const THANKS: [&str; 4] = [
    "问题已解决，谢谢专班！",
    "已收到，非常感谢。",
    "已办好，感谢耐心解答。",
    "确认办结，谢谢。",
];
const EXTENDED: &str = "涉及跨部门协调，经专班负责人同意，办结时限延长5个工作日。";

/// Comments per rating (1 to 5); an empty comment is a rating without words.
fn comment(rating: u8, pick: u64) -> &'static str {
    let comments: &[&str] = match rating {
        5 => &[
            "响应很快，办理高效，非常满意！",
            "专班工作人员很专业，全程跟进，点赞。",
            "一次都没跑腿就办好了，谢谢。",
            "",
        ],
        4 => &[
            "整体满意，希望办理时限再短一些。",
            "答复清楚，就是等其他部门的时间有点长。",
            "",
        ],
        3 => &["问题解决了，但中间沟通不太及时。", "办理周期比预期长。"],
        2 => &["等待时间太长，多次催问才有进展。"],
        _ => &["问题没有真正解决，希望改进。"],
    };
    comments[(pick % comments.len() as u64) as usize]
}

/// What seeding the case desk made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskSeeded {
    pub teams: usize,
    pub cases: usize,
}

/// How many cases the demo raises, the demo accounts' own included.
pub const DEMO_CASES: usize = 300;

const ENTERPRISE: &str = "enterprise@demo.yingcai.cn";
const TALENT: &str = "talent@demo.yingcai.cn";

/// Someone of the demo who signs in.
#[derive(Debug, Clone)]
struct Person {
    account_id: i64,
    email: String,
}

impl Person {
    fn actor(&self) -> Actor {
        Actor::account(self.account_id, self.email.clone())
    }
}

/// A team of the demo with its people.
struct Team {
    team_id: i64,
    /// Its industry's position in the catalogue.
    industry: usize,
    leader: Person,
    members: Vec<Person>,
}

impl Team {
    /// The officer who works a case (a member, or the leader of a team without members).
    fn officer(&self, pick: u64) -> &Person {
        self.members
            .get(pick as usize % self.members.len().max(1))
            .unwrap_or(&self.leader)
    }
}

/// Who raises cases: an enterprise's account (with its enterprise) or a talent's.
struct Requester {
    person: Person,
    enterprise_id: Option<i64>,
    /// The team that serves it, as an index into the teams.
    team: usize,
    district: String,
}

/// Seeds the case desk once, while no case exists: the teams (unless one of the same name
/// exists), the pairing of enterprises, the requesters' accounts, and the cases. Needs the
/// demo accounts (`yingcai_services::accounts::seed_demo`) and the demo registry
/// ([`super::seed_registry`]); does nothing (None) without them, or when a case exists.
/// `now` (ms) is the end of the history: every instant written is at or before it, but for
/// the two transfers, stamped when they are made.
pub async fn seed_service_desk(
    store: &Store,
    settings: &crate::WebSettings,
    now: i64,
) -> Result<Option<DeskSeeded>, AppError> {
    let any_case = store
        .cases(&CaseFilter {
            limit: 1,
            ..Default::default()
        })
        .await?;
    if !any_case.is_empty() {
        return Ok(None);
    }
    let mut officers = Vec::new();
    for email in OFFICERS {
        match person(store, email).await? {
            Some(officer) => officers.push(officer),
            None => return Ok(None),
        }
    }
    let teams = teams(store, settings, &officers).await?;
    if teams.is_empty() {
        return Ok(None);
    }
    yingcai_services::service_desk::pair_unpaired(store).await?;
    let (Some(enterprise), Some(talent)) = (
        person(store, ENTERPRISE).await?,
        person(store, TALENT).await?,
    ) else {
        return Ok(None);
    };
    // Every demo account has the demo password.
    let Some(credentials) = store
        .credentials_by_email(&parse_email(OFFICERS[0])?)
        .await?
    else {
        return Ok(None);
    };
    let (requesters, employers) =
        requesters(store, settings, &teams, &credentials.password_hash).await?;
    if requesters.is_empty() {
        return Ok(None);
    }
    let rules = settings.desk_rules();
    let calendar = yingcai_services::work_calendar::calendar(store, &rules.hours).await?;
    let Some(end) = end_of_history(&calendar, now) else {
        return Ok(None);
    };
    let start = start_of_history(&calendar, end);
    let span = calendar.elapsed(start, end).map_err(internal)?;
    if span < 60 * DAY {
        return Ok(None);
    }
    let desk = Desk {
        store,
        calendar: &calendar,
        warn: rules.warn_percent,
        reopen_days: i64::from(rules.reopen_days),
        end,
        start,
        span,
        categories: store
            .service_categories()
            .await?
            .into_iter()
            .map(|c| (c.code, (c.response_minutes, c.resolution_minutes)))
            .collect(),
        documents_dir: std::path::Path::new(&settings.documents_dir),
        attached: std::cell::Cell::new(0),
    };
    // The demo talent works at the demo enterprise (its submission says so).
    let (team, district) = employers
        .first()
        .cloned()
        .flatten()
        .map_or((0, "长安区".to_owned()), |(_, team, district)| {
            (team, district)
        });
    let talent = Requester {
        person: talent,
        enterprise_id: None,
        team,
        district,
    };
    // The demo enterprise's and the demo talent's own cases, each in a state worth showing.
    let mut plans: Vec<(&Requester, &Topic, u64, Shape)> = Vec::new();
    if let Some(own) = requesters
        .iter()
        .find(|r| r.person.account_id == enterprise.account_id)
    {
        for (i, (topic, age, shape)) in enterprise_showcase().into_iter().enumerate() {
            plans.push((own, &ENTERPRISE_TOPICS[topic], jitter(age, i), shape));
        }
    }
    for (i, (topic, age, shape)) in talent_showcase().into_iter().enumerate() {
        plans.push((&talent, &TALENT_TOPICS[topic], jitter(age, i + 20), shape));
    }
    // Everyone else's, across the teams, categories and months.
    let (by_enterprises, by_talents): (Vec<&Requester>, Vec<&Requester>) = requesters
        .iter()
        .filter(|r| r.person.account_id != enterprise.account_id)
        .partition(|r| r.enterprise_id.is_some());
    let mut rng = Rng(0x0de5_c0de_2026);
    while plans.len() < DEMO_CASES {
        let (pool, topics): (&[&Requester], &[Topic]) =
            if by_talents.is_empty() || (!by_enterprises.is_empty() && rng.below(100) < 55) {
                (&by_enterprises, &ENTERPRISE_TOPICS)
            } else {
                (&by_talents, &TALENT_TOPICS)
            };
        let requester = pool[rng.below(pool.len() as u64) as usize];
        let topic = &topics[rng.below(topics.len() as u64) as usize];
        // More cases as the year goes on: half spread evenly, half growing with time.
        let u = unit(&mut rng);
        let share = if rng.below(2) == 0 { u } else { u.sqrt() };
        let age = ((1.0 - share) * desk.span as f64) as u64;
        plans.push((requester, topic, age, Shape::random(&mut rng, age)));
    }
    // Raised in the order they were opened, so case numbers follow the calendar.
    plans.sort_by_key(|(_, _, age, _)| std::cmp::Reverse(*age));
    let mut transferable = Vec::new();
    for (requester, topic, age, shape) in &plans {
        let (case_id, status) = desk
            .run(&teams[requester.team], requester, topic, *age, shape)
            .await?;
        if matches!(status, CaseStatus::Accepted | CaseStatus::InProgress)
            && requester.enterprise_id.is_none()
            && requester.person.account_id != talent.person.account_id
        {
            transferable.push((case_id, requester.team));
        }
    }
    // Two talents' cases moved to another team today (a transfer is stamped when made).
    for (case_id, from) in transferable.into_iter().rev().take(2) {
        let to = (from + 1) % teams.len();
        if to == from {
            break;
        }
        let name = TEAMS[teams[to].industry].0;
        let reason = format!(
            "经核实，该诉求涉及{}的专项政策，转{name}办理。",
            name.trim_end_matches("人才服务专班")
        );
        store
            .transfer_case(
                case_id,
                teams[to].team_id,
                &reason,
                &teams[from].leader.actor(),
            )
            .await
            .map_err(refused)?;
    }
    Ok(Some(DeskSeeded {
        teams: teams.len(),
        cases: plans.len(),
    }))
}

fn internal(error: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("demo case desk: {error}"))
}

/// A change the store refused (the demo's own steps follow the life cycle, so never).
fn refused(refusal: yingcai_store::CaseChangeError) -> AppError {
    yingcai_services::Error::from(refusal).into()
}

fn parse_email(email: &str) -> Result<Email, AppError> {
    Email::parse(email).map_err(internal)
}

async fn person(store: &Store, email: &str) -> Result<Option<Person>, AppError> {
    Ok(store
        .credentials_by_email(&parse_email(email)?)
        .await?
        .map(|c| Person {
            account_id: c.account.account_id,
            email: c.account.email,
        }))
}

/// The account with this address, made (with `role` and the demo password) if missing.
async fn account(
    store: &Store,
    email: &str,
    name: &str,
    role: Role,
    password_hash: &str,
) -> Result<Person, AppError> {
    if let Some(found) = person(store, email).await? {
        return Ok(found);
    }
    let new = NewAccount {
        email: parse_email(email)?,
        display_name: DisplayName::parse("display_name", name).map_err(internal)?,
        phone: None,
        password_hash: password_hash.to_owned(),
        roles: RoleSet::one(role),
        locale: Locale::ZhCn,
        must_change_password: false,
    };
    match store.create_account(&new, &Actor::System).await {
        // Another server seeding at the same moment got there first: fine.
        Ok(_) | Err(StoreError::Conflict { .. }) => {}
        Err(other) => return Err(other.into()),
    }
    person(store, email)
        .await?
        .ok_or_else(|| internal(format!("account {email} was not made")))
}

/// The teams, one per industry of the catalogue (made unless one of the same name exists).
async fn teams(
    store: &Store,
    settings: &crate::WebSettings,
    officers: &[Person],
) -> Result<Vec<Team>, AppError> {
    let existing = store.service_teams().await?;
    let mut teams = Vec::new();
    for (industry, (name, leader, members)) in TEAMS.iter().enumerate() {
        let Some(code) = settings.industries.get(industry) else {
            break;
        };
        let team_id = match existing.iter().find(|t| t.name == *name) {
            Some(team) => team.team_id,
            None => store
                .save_service_team(
                    None,
                    &TeamInput {
                        name: (*name).to_owned(),
                        leader_account_id: Some(officers[*leader].account_id),
                        industries: vec![code.clone()],
                        districts: Vec::new(),
                        members: members.iter().map(|m| officers[*m].account_id).collect(),
                    },
                    &Actor::System,
                )
                .await
                .map_err(refused)?,
        };
        teams.push(Team {
            team_id,
            industry,
            leader: officers[*leader].clone(),
            members: members.iter().map(|m| officers[*m].clone()).collect(),
        });
    }
    Ok(teams)
}

/// An enterprise of the demo: its id, its team (index) and district.
type Employer = Option<(i64, usize, String)>;

/// The requesters: each demo enterprise's account (its owner, or a contact account made
/// for it) and the demo talents' accounts; with the demo enterprises in their order.
async fn requesters(
    store: &Store,
    settings: &crate::WebSettings,
    teams: &[Team],
    password_hash: &str,
) -> Result<(Vec<Requester>, Vec<Employer>), AppError> {
    let ids: HashMap<String, i64> = store
        .verified_enterprise_names(10_000)
        .await?
        .into_iter()
        .map(|(id, name)| (name, id))
        .collect();
    let pairings: HashMap<i64, i64> = store
        .service_pairings()
        .await?
        .into_iter()
        .map(|(enterprise, team, _)| (enterprise, team))
        .collect();
    let mut requesters = Vec::new();
    let mut employers = Vec::new();
    for (k, profile) in super::enterprises(&settings.industries, &settings.districts)
        .iter()
        .enumerate()
    {
        let found = ids.get(&profile.name).and_then(|id| {
            let team = teams
                .iter()
                .position(|t| Some(&t.team_id) == pairings.get(id))?;
            Some((*id, team))
        });
        let Some((enterprise_id, team)) = found else {
            employers.push(None);
            continue;
        };
        employers.push(Some((enterprise_id, team, profile.district.clone())));
        let mut owner = store.enterprise(enterprise_id).await?.owner_account_id;
        if owner.is_none() {
            let contact = account(
                store,
                &format!("hr{:02}@demo.yingcai.cn", k + 1),
                &profile.name,
                Role::Enterprise,
                password_hash,
            )
            .await?;
            store
                .set_enterprise_owner(enterprise_id, contact.account_id, &Actor::System)
                .await?;
            owner = store.enterprise(enterprise_id).await?.owner_account_id;
        }
        let Some(owner) = owner else { continue };
        let email = store.account(owner).await?.email;
        requesters.push(Requester {
            person: Person {
                account_id: owner,
                email,
            },
            enterprise_id: Some(enterprise_id),
            team,
            district: profile.district.clone(),
        });
    }
    for (i, (name, employer)) in TALENTS.iter().enumerate() {
        let Some(Some((_, team, district))) = employers.get(employer % employers.len().max(1))
        else {
            continue;
        };
        let person = account(
            store,
            &format!("talent{:02}@demo.yingcai.cn", i + 1),
            name,
            Role::Talent,
            password_hash,
        )
        .await?;
        requesters.push(Requester {
            person,
            enterprise_id: None,
            team: *team,
            district: district.clone(),
        });
    }
    Ok((requesters, employers))
}

/// The last instant of the history: `now`, or the end of the calendar's last year.
fn end_of_history(calendar: &WorkCalendar, now: i64) -> Option<BeijingMinute> {
    let now = BeijingMinute::from_timestamp(jiff::Timestamp::from_millisecond(now).ok()?).ok()?;
    let last = calendar.years().last()?.year;
    let last = BeijingMinute::new(yingcai_domain::Date::new(last, 12, 31)?, 23, 59)?;
    Some(now.min(last))
}

/// The first instant of the history: the first day of the month eleven months before the
/// end's (January when it is December), or of the calendar's first year.
fn start_of_history(calendar: &WorkCalendar, end: BeijingMinute) -> BeijingMinute {
    let month = yingcai_domain::Month::of(end.date());
    let first = month.plus(-11).unwrap_or(month).first_day();
    let covered = calendar
        .years()
        .first()
        .and_then(|y| yingcai_domain::Date::new(y.year, 1, 1))
        .unwrap_or(first);
    BeijingMinute::start_of(first.max(covered))
}

/// A number in [0, 1).
fn unit(rng: &mut Rng) -> f64 {
    (rng.next() >> 11) as f64 / (1u64 << 53) as f64
}

/// The milliseconds of a minute, with a few seconds for the look of it (a reading drops
/// them: the clocks count whole minutes).
fn ms(at: BeijingMinute, salt: i64) -> i64 {
    let index = i64::from(at.index());
    at.to_timestamp().as_millisecond()
        + (index * 31 + index / 1440 * 7 + salt * 17).rem_euclid(60) * 1000
}

/// A showcase case's age, moved by up to five working hours so that the demo accounts'
/// cases were not all raised at the same time of day (the ones of today stay as they are).
fn jitter(age: u64, i: usize) -> u64 {
    if age < DAY {
        age
    } else {
        age + (i as u64 * 97) % 300
    }
}

fn is_pause(status: CaseStatus) -> bool {
    matches!(
        status,
        CaseStatus::WaitingRequester | CaseStatus::WaitingBureau | CaseStatus::Resolved
    )
}

/// How a case's close comes about.
#[derive(Debug, Clone, Copy)]
enum Close {
    /// The requester confirms this many working minutes after the resolution.
    Requester(u64),
    /// The team closes it once the reopen window has passed.
    Team,
    /// It stays resolved.
    Open,
}

/// The course of one case: gaps in working minutes between its steps. A gap that would
/// run past the end of the history stops the case where it stands.
#[derive(Debug, Clone)]
struct Shape {
    officer: u64,
    /// Until the team's first answer.
    response: u64,
    /// The first answer resolves it.
    quick: bool,
    /// The first answer asks the requester for something (then this long until the answer).
    ask_first: Option<u64>,
    /// The first answer accepts the case, and work starts later; else work starts with it.
    accept: bool,
    /// From the acceptance to the start of work.
    start: u64,
    /// An internal note, by the leader or the officer.
    note: Option<(&'static str, bool)>,
    /// Checklist items added, and how many of them are done before the resolution.
    items: (usize, usize),
    /// Waiting on the requester or a bureau, for this long (paused).
    wait: Option<(WaitingOn, u64)>,
    /// The leader extends the resolution target while the case waits on a bureau.
    extend: bool,
    /// From the start to the wait, and from there to the resolution.
    work: [u64; 2],
    reopen: bool,
    close: Close,
    /// Given this long after the resolution (after the requester's confirmation).
    rating: Option<(u8, u64)>,
}

impl Shape {
    /// A case worked through: answered, started, resolved, left resolved.
    fn worked() -> Shape {
        Shape {
            officer: 0,
            response: 45,
            quick: false,
            ask_first: None,
            accept: true,
            start: 60,
            note: None,
            items: (0, 0),
            wait: None,
            extend: false,
            work: [240, 1200],
            reopen: false,
            close: Close::Open,
            rating: None,
        }
    }

    /// The course of a case opened `age` working minutes before the end of the history.
    fn random(rng: &mut Rng, age: u64) -> Shape {
        let quick = rng.below(100) < 12;
        let ask_first = (!quick && rng.below(100) < 8).then(|| 200 + rng.below(2500));
        let wait = match rng.below(100) {
            _ if quick => None,
            0..=24 if ask_first.is_none() => Some((WaitingOn::Requester, 300 + rng.below(3000))),
            25..=44 => Some((WaitingOn::Bureau, 1000 + rng.below(6000))),
            _ => None,
        };
        let reopen = rng.below(100) < 6;
        let rating = (rng.below(100) < 70).then(|| {
            let stars = match rng.below(100) + if reopen { 40 } else { 0 } {
                0..=54 => 5,
                55..=82 => 4,
                83..=92 => 3,
                93..=97 => 2,
                _ => 1,
            };
            (stars, 20 + rng.below(1500))
        });
        let items = if rng.below(100) < 30 {
            let n = 1 + rng.below(2) as usize;
            (n, n)
        } else {
            (0, 0)
        };
        Shape {
            officer: rng.next(),
            response: if rng.below(100) < 12 {
                420 + rng.below(600)
            } else {
                5 + rng.below(300)
            },
            quick,
            ask_first,
            accept: rng.below(100) < 60,
            start: 10 + rng.below(400),
            note: (rng.below(100) < 40).then(|| {
                (
                    NOTES[rng.below(NOTES.len() as u64) as usize],
                    rng.below(100) < 30,
                )
            }),
            items,
            extend: matches!(wait, Some((WaitingOn::Bureau, _)))
                && rng.below(100) < 25
                && age > 60 * 420,
            wait,
            work: [
                60 + rng.below(1500),
                if rng.below(100) < 10 {
                    4200 + rng.below(3000)
                } else {
                    300 + rng.below(2500)
                },
            ],
            reopen,
            close: match rng.below(100) {
                0..=49 => Close::Requester(30 + rng.below(2000)),
                50..=84 => Close::Team,
                _ => Close::Open,
            },
            rating,
        }
    }
}

/// A working day, in working minutes.
const DAY: u64 = 420;
/// A gap that never ends within the history: the case stops before this step.
const NEVER: u64 = 1_000_000;

/// The demo enterprise's cases: (topic, opened this many working minutes before the end,
/// course). Closed and rated, closed after a reopen, resolved and not yet rated, waiting on
/// the enterprise, waiting on a bureau, in progress with an internal note, and new.
fn enterprise_showcase() -> Vec<(usize, u64, Shape)> {
    vec![
        (
            0,
            180 * DAY,
            Shape {
                items: (2, 2),
                close: Close::Requester(120),
                rating: Some((5, 30)),
                ..Shape::worked()
            },
        ),
        (
            11,
            200 * DAY,
            Shape {
                quick: true,
                close: Close::Requester(200),
                rating: Some((5, 10)),
                ..Shape::worked()
            },
        ),
        (
            5,
            120 * DAY,
            Shape {
                note: Some((NOTES[6], true)),
                wait: Some((WaitingOn::Bureau, 2500)),
                close: Close::Team,
                rating: Some((4, 300)),
                ..Shape::worked()
            },
        ),
        (
            13,
            60 * DAY,
            Shape {
                wait: Some((WaitingOn::Requester, 800)),
                reopen: true,
                close: Close::Requester(200),
                rating: Some((3, 20)),
                ..Shape::worked()
            },
        ),
        (
            6,
            6 * DAY,
            Shape {
                response: 30,
                start: 30,
                work: [200, 900],
                ..Shape::worked()
            },
        ),
        (
            9,
            4 * DAY,
            Shape {
                wait: Some((WaitingOn::Requester, NEVER)),
                work: [300, 600],
                ..Shape::worked()
            },
        ),
        (
            2,
            5 * DAY,
            Shape {
                note: Some((NOTES[0], false)),
                items: (2, 1),
                work: [300, NEVER],
                ..Shape::worked()
            },
        ),
        (
            12,
            10 * DAY,
            Shape {
                wait: Some((WaitingOn::Bureau, NEVER)),
                ..Shape::worked()
            },
        ),
        (
            1,
            40,
            Shape {
                response: NEVER,
                ..Shape::worked()
            },
        ),
    ]
}

/// The demo talent's cases, as [`enterprise_showcase`]: closed and rated, resolved and not
/// yet rated, waiting on the talent, accepted, in progress with an internal note.
fn talent_showcase() -> Vec<(usize, u64, Shape)> {
    vec![
        (
            0,
            90 * DAY,
            Shape {
                close: Close::Requester(60),
                rating: Some((5, 15)),
                ..Shape::worked()
            },
        ),
        (
            2,
            150 * DAY,
            Shape {
                wait: Some((WaitingOn::Requester, 700)),
                close: Close::Team,
                rating: Some((4, 400)),
                ..Shape::worked()
            },
        ),
        (
            11,
            40 * DAY,
            Shape {
                reopen: true,
                close: Close::Requester(100),
                rating: Some((4, 10)),
                ..Shape::worked()
            },
        ),
        (
            4,
            9 * DAY,
            Shape {
                response: 60,
                wait: Some((WaitingOn::Bureau, 1200)),
                work: [200, 600],
                ..Shape::worked()
            },
        ),
        (
            7,
            3 * DAY,
            Shape {
                wait: Some((WaitingOn::Requester, NEVER)),
                work: [200, 600],
                ..Shape::worked()
            },
        ),
        (
            10,
            150,
            Shape {
                response: 60,
                start: NEVER,
                ..Shape::worked()
            },
        ),
        (
            13,
            3 * DAY,
            Shape {
                note: Some((NOTES[4], false)),
                items: (1, 0),
                work: [200, NEVER],
                ..Shape::worked()
            },
        ),
    ]
}

/// What the seeding works with.
struct Desk<'a> {
    store: &'a Store,
    calendar: &'a WorkCalendar,
    warn: u8,
    reopen_days: i64,
    end: BeijingMinute,
    start: BeijingMinute,
    /// Working minutes from `start` to `end`.
    span: u64,
    /// Each category's targets: (response, resolution).
    categories: HashMap<String, (i64, i64)>,
    /// Where the site keeps files (a few cases are raised with one).
    documents_dir: &'a std::path::Path,
    /// How many cases were raised with a file so far.
    attached: std::cell::Cell<usize>,
}

/// How many demo cases are raised with a file.
const ATTACHED_CASES: usize = 6;

/// A one-page PDF that names the case it was raised with: small, valid (with its cross
/// reference table), and made here so the demo needs no file of its own.
fn demo_pdf(title: &str) -> Vec<u8> {
    let text: String = title
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .filter(|c| !matches!(c, '(' | ')' | '\\'))
        .collect();
    let stream = format!(
        "BT /F1 14 Tf 72 760 Td (Yingcai demo attachment) Tj 0 -24 Td /F1 11 Tf ({text}) Tj ET"
    );
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.extend_from_slice(table.as_bytes());
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

impl Desk<'_> {
    /// Whether `at` is the end of a working period (12:00, 17:00): the minute after the
    /// last working one.
    fn ends_period(&self, at: BeijingMinute) -> bool {
        let of_day = at.minute_of_day();
        self.calendar
            .hours()
            .periods()
            .iter()
            .any(|p| p.end() == of_day)
    }

    /// Raises a case `age` working minutes before the end of the history and takes it
    /// along `shape` as far as the history goes: (case id, status at the end).
    async fn run(
        &self,
        team: &Team,
        requester: &Requester,
        topic: &Topic,
        age: u64,
        shape: &Shape,
    ) -> Result<(i64, CaseStatus), AppError> {
        let opened = self
            .calendar
            .due(self.start, self.span.saturating_sub(age).max(1))
            .map_err(internal)?;
        // Raised inside a working period, not as it ends.
        let opened = match opened.plus_minutes(-1) {
            Some(earlier) if self.ends_period(opened) => earlier,
            _ => opened,
        };
        let (response_target, resolution_target) = self
            .categories
            .get(topic.category)
            .copied()
            .unwrap_or((420, 4200));
        let month = opened.date().month();
        let n = 2 + (opened.index().unsigned_abs() % 7);
        let fill = |text: &str| {
            text.replace("{job}", JOBS[team.industry % JOBS.len()][n as usize % 3])
                .replace("{n}", &n.to_string())
                .replace("{district}", &requester.district)
                .replace("{month}", &month.to_string())
                .replace("{next_month}", &(month % 12 + 1).to_string())
        };
        // Every seventh or so case, up to a few, comes with the requester's materials.
        let mut files = Vec::new();
        if n == 3 && self.attached.get() < ATTACHED_CASES {
            self.attached.set(self.attached.get() + 1);
            let bytes = demo_pdf(&format!(
                "Request materials no. {} ({})",
                self.attached.get(),
                topic.category
            ));
            let size_bytes = bytes.len() as i64;
            let sha256 = yingcai_services::documents::store(self.documents_dir, bytes).await?;
            files.push(yingcai_store::NewAttachment {
                sha256,
                media_type: "application/pdf".into(),
                size_bytes,
                file_name: "材料清单.pdf".into(),
            });
        }
        let case_id = self
            .store
            .open_case_with_files(
                &NewCase {
                    team_id: team.team_id,
                    requester_account_id: requester.person.account_id,
                    enterprise_id: requester.enterprise_id,
                    category: topic.category,
                    title: &fill(topic.title),
                    description: &fill(topic.description),
                    response_target,
                    resolution_target,
                    opened_at: ms(opened, age as i64),
                },
                &files,
                &requester.person.actor(),
            )
            .await?;
        let mut case = CaseRun {
            desk: self,
            case_id,
            requester: &requester.person,
            status: CaseStatus::New,
            timeline: Timeline {
                opened,
                first_response: None,
                resolved: None,
                pauses: Vec::new(),
                response_target: response_target as u64,
                resolution_target: resolution_target as u64,
            },
            at: opened,
            cut: false,
            steps: 0,
        };
        let officer = Some(team.officer(shape.officer));
        let leader = Some(&team.leader);
        let requester_side = None;
        if shape.quick {
            let answer = fill(&format!("{}{}", topic.reply, topic.resolution));
            case.act(shape.response, officer, Action::Resolve, Some(&answer))
                .await?;
        } else {
            match shape.ask_first {
                Some(answered) => {
                    let ask = fill(topic.ask);
                    let answer = fill(topic.answer);
                    case.act(
                        shape.response,
                        officer,
                        Action::Wait(WaitingOn::Requester),
                        Some(&ask),
                    )
                    .await?;
                    case.act(answered, requester_side, Action::Reply, Some(&answer))
                        .await?;
                }
                None if shape.accept => {
                    case.act(
                        shape.response,
                        officer,
                        Action::Accept,
                        Some(&fill(topic.reply)),
                    )
                    .await?;
                    case.act(shape.start, officer, Action::Start, None).await?;
                }
                None => {
                    case.act(
                        shape.response,
                        officer,
                        Action::Start,
                        Some(&fill(topic.reply)),
                    )
                    .await?;
                }
            }
            if let Some((note, by_leader)) = shape.note {
                let by = if by_leader { leader } else { officer };
                case.act(20, by, Action::Note, Some(note)).await?;
            }
            let mut items = Vec::new();
            for text in checklist(topic.category).iter().take(shape.items.0) {
                if let Some(id) = case.add_item(5, officer, text).await? {
                    items.push(id);
                }
            }
            match shape.wait {
                Some((WaitingOn::Requester, paused)) => {
                    let ask = fill(topic.ask);
                    let answer = fill(topic.answer);
                    case.act(
                        shape.work[0],
                        officer,
                        Action::Wait(WaitingOn::Requester),
                        Some(&ask),
                    )
                    .await?;
                    case.act(paused, requester_side, Action::Reply, Some(&answer))
                        .await?;
                }
                Some((WaitingOn::Bureau, paused)) => {
                    let bureau = fill(bureau(topic.category));
                    case.act(
                        shape.work[0],
                        officer,
                        Action::Wait(WaitingOn::Bureau),
                        Some(&bureau),
                    )
                    .await?;
                    if shape.extend {
                        case.extend(30, leader, 5 * DAY as i64, EXTENDED).await?;
                    }
                    case.act(paused, officer, Action::Resume, Some(RESUMED))
                        .await?;
                }
                None => {}
            }
            // The items done on the way to the resolution.
            let done = items.len().min(shape.items.1);
            let each = (shape.work[1] / (done as u64 + 1)).min(2 * DAY);
            for item in items.iter().take(done) {
                case.complete_item(each, officer, *item).await?;
            }
            case.act(
                shape.work[1].saturating_sub(each * done as u64).max(30),
                officer,
                Action::Resolve,
                Some(&fill(topic.resolution)),
            )
            .await?;
        }
        if shape.reopen {
            let why = REOPEN[(case_id as usize) % REOPEN.len()];
            if case.reopen(60 + (case_id as u64 * 37) % 1400, why).await? {
                case.act(40, officer, Action::Reply, Some(REOPEN_REPLY))
                    .await?;
                case.act(600, officer, Action::Resolve, Some(RESOLVED_AGAIN))
                    .await?;
            }
        }
        match shape.close {
            Close::Requester(after) => {
                let thanks = THANKS[(case_id as usize) % THANKS.len()];
                let message = (case_id % 4 != 0).then_some(thanks);
                case.act(after, requester_side, Action::Close, message)
                    .await?;
                if let Some((stars, after)) = shape.rating {
                    case.rate(after.min(120), stars).await?;
                }
            }
            Close::Team => {
                if let Some((stars, after)) = shape.rating {
                    case.rate(after, stars).await?;
                }
                case.close_after_window(officer).await?;
            }
            Close::Open => {
                if let Some((stars, after)) = shape.rating {
                    case.rate(after, stars).await?;
                }
            }
        }
        // A case still counting must be due within the calendar: otherwise it waits on a
        // bureau (its clocks paused) from its last step on.
        if matches!(
            case.status,
            CaseStatus::New | CaseStatus::Accepted | CaseStatus::InProgress
        ) && yingcai_casedesk::read(&case.timeline, self.calendar, self.end, self.warn).is_err()
        {
            case.cut = false;
            let bureau = fill(bureau(topic.category));
            case.act(1, officer, Action::Wait(WaitingOn::Bureau), Some(&bureau))
                .await?;
        }
        Ok((case_id, case.status))
    }
}

/// One case being written, with the facts its clocks are read from (kept as the store
/// keeps them).
struct CaseRun<'a> {
    desk: &'a Desk<'a>,
    case_id: i64,
    requester: &'a Person,
    status: CaseStatus,
    timeline: Timeline,
    /// The last step's instant.
    at: BeijingMinute,
    /// A step fell past the end of the history: it and every later step are left out.
    cut: bool,
    steps: i64,
}

impl CaseRun<'_> {
    /// The next step at `at`, unless past the end of the history: its milliseconds.
    fn step_at(&mut self, at: BeijingMinute) -> Option<i64> {
        if self.cut || at > self.desk.end || at <= self.at {
            self.cut = true;
            return None;
        }
        self.at = at;
        self.steps += 1;
        Some(ms(at, self.case_id + self.steps))
    }

    /// `gap` working minutes after `from`: None past the calendar's last year (and so
    /// past the end of the history).
    fn later(&self, from: BeijingMinute, gap: u64) -> Option<BeijingMinute> {
        let at = self.desk.calendar.due(from, gap.max(1)).ok()?;
        if !self.desk.ends_period(at) {
            return Some(at);
        }
        // Not at 12:00 or 17:00 sharp (lunch, evening): a minute earlier, or the next period.
        match at.plus_minutes(-1) {
            Some(earlier) if earlier > from => Some(earlier),
            _ => self.desk.calendar.due(at, 1).ok(),
        }
    }

    /// The next step, `gap` working minutes after the last.
    fn step(&mut self, gap: u64) -> Option<i64> {
        match self.later(self.at, gap) {
            Some(at) if !self.cut => self.step_at(at),
            _ => {
                self.cut = true;
                None
            }
        }
    }

    /// `action` by an officer (`by`) or the requester (`None`), as the case desk's
    /// service takes it: the status it leads to, the clocks it stops read at its instant.
    async fn act(
        &mut self,
        gap: u64,
        by: Option<&Person>,
        action: Action,
        message: Option<&str>,
    ) -> Result<(), AppError> {
        let Some(at) = self.step(gap) else {
            return Ok(());
        };
        self.apply(at, by, action, message).await
    }

    async fn apply(
        &mut self,
        at: i64,
        by: Option<&Person>,
        action: Action,
        message: Option<&str>,
    ) -> Result<(), AppError> {
        let side = if by.is_some() {
            Side::Officer
        } else {
            Side::Requester
        };
        let from = self.status;
        let to = yingcai_casedesk::next_status(from, action, side)
            .map_err(|e| internal(format!("case {}: {e}", self.case_id)))?;
        let kind = if action == Action::Note {
            EventKind::Note
        } else {
            EventKind::Reply
        };
        let first_response = side == Side::Officer
            && self.timeline.first_response.is_none()
            && message.is_some()
            && kind == EventKind::Reply;
        let resolving = to == CaseStatus::Resolved && from != to;
        let clocks = if first_response || resolving {
            yingcai_casedesk::read(&self.timeline, self.desk.calendar, self.at, self.desk.warn).ok()
        } else {
            None
        };
        let actor = by.unwrap_or(self.requester).actor();
        self.desk
            .store
            .change_case(
                self.case_id,
                &CaseTransition {
                    from,
                    to,
                    at,
                    message: message.map(|m| (kind, m)),
                    first_response,
                    response_spent: clocks
                        .filter(|_| first_response)
                        .map(|c| c.response.spent as i64),
                    resolution_spent: clocks
                        .filter(|_| resolving)
                        .map(|c| c.resolution.spent as i64),
                },
                &actor,
            )
            .await
            .map_err(refused)?;
        if first_response {
            self.timeline.first_response = Some(self.at);
        }
        if from != to {
            if is_pause(from) {
                for pause in &mut self.timeline.pauses {
                    pause.1 = pause.1.or(Some(self.at));
                }
            }
            if is_pause(to) {
                self.timeline.pauses.push((self.at, None));
            }
            if resolving {
                self.timeline.resolved = Some(self.at);
            } else if from == CaseStatus::Resolved && to != CaseStatus::Closed {
                self.timeline.resolved = None;
            }
        }
        self.status = to;
        Ok(())
    }

    /// The requester reopens the resolved case, if still within the reopen window.
    async fn reopen(&mut self, gap: u64, why: &str) -> Result<bool, AppError> {
        let (Some(resolved), false, CaseStatus::Resolved) =
            (self.timeline.resolved, self.cut, self.status)
        else {
            return Ok(false);
        };
        let window = resolved.plus_minutes(self.desk.reopen_days * 1440);
        let Some(at) = self
            .later(self.at, gap)
            .filter(|at| window.is_some_and(|w| *at < w))
        else {
            return Ok(false);
        };
        let Some(at) = self.step_at(at) else {
            return Ok(false);
        };
        self.apply(at, None, Action::Reopen, Some(why)).await?;
        Ok(true)
    }

    /// The team closes the resolved case once the reopen window has passed.
    async fn close_after_window(&mut self, by: Option<&Person>) -> Result<(), AppError> {
        let (Some(resolved), false, CaseStatus::Resolved) =
            (self.timeline.resolved, self.cut, self.status)
        else {
            return Ok(());
        };
        let Some(window) = resolved.plus_minutes(self.desk.reopen_days * 1440) else {
            return Ok(());
        };
        let mut at = self.later(self.at, 30);
        while let Some(early) = at.filter(|at| *at < window) {
            at = self.later(early, DAY);
        }
        if let Some(at) = at.and_then(|at| self.step_at(at)) {
            self.apply(at, by, Action::Close, None).await?;
        }
        Ok(())
    }

    async fn add_item(
        &mut self,
        gap: u64,
        by: Option<&Person>,
        text: &str,
    ) -> Result<Option<i64>, AppError> {
        let (Some(by), Some(at)) = (by, self.step(gap)) else {
            return Ok(None);
        };
        let due = self.at.date().plus_days(7);
        Ok(Some(
            self.desk
                .store
                .add_checklist_item_at(
                    self.case_id,
                    text,
                    Some(by.account_id),
                    due,
                    at,
                    &by.actor(),
                )
                .await?,
        ))
    }

    async fn complete_item(
        &mut self,
        gap: u64,
        by: Option<&Person>,
        item: i64,
    ) -> Result<(), AppError> {
        if let (Some(by), Some(at)) = (by, self.step(gap)) {
            self.desk
                .store
                .complete_checklist_item_at(self.case_id, item, at, &by.actor())
                .await
                .map_err(refused)?;
        }
        Ok(())
    }

    /// The leader gives the resolution clock `extra` working minutes more.
    async fn extend(
        &mut self,
        gap: u64,
        by: Option<&Person>,
        extra: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        if let (Some(by), Some(at)) = (by, self.step(gap)) {
            let response = self.timeline.response_target as i64;
            let resolution = self.timeline.resolution_target as i64 + extra;
            self.desk
                .store
                .set_case_targets_at(self.case_id, response, resolution, reason, at, &by.actor())
                .await
                .map_err(refused)?;
            self.timeline.resolution_target = resolution as u64;
        }
        Ok(())
    }

    /// The requester rates the resolved (or closed) case.
    async fn rate(&mut self, gap: u64, stars: u8) -> Result<(), AppError> {
        if !matches!(self.status, CaseStatus::Resolved | CaseStatus::Closed) {
            return Ok(());
        }
        if let Some(at) = self.step(gap) {
            let words = comment(stars, self.case_id as u64);
            self.desk
                .store
                .rate_case_at(self.case_id, stars, words, at, &self.requester.actor())
                .await
                .map_err(refused)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_pdf_is_a_pdf_whose_cross_references_point_at_its_objects() {
        let pdf = super::demo_pdf("Request (materials) no. 1 \\ 材料");
        assert_eq!(crate::documents::media_type(&pdf), Some("application/pdf"));
        let text = String::from_utf8(pdf).unwrap();
        assert!(
            !text.contains("(materials)"),
            "parentheses would end the string"
        );
        let start = text.rfind("startxref\n").unwrap() + "startxref\n".len();
        let xref: usize = text[start..].lines().next().unwrap().parse().unwrap();
        assert!(text[xref..].starts_with("xref\n0 6\n"));
        for (i, line) in text[xref..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", i + 1)),
                "{line}"
            );
        }
        let (_, stream) = text.split_once(">>\nstream\n").unwrap();
        let (stream, _) = stream.split_once("\nendstream").unwrap();
        assert!(text.contains(&format!("/Length {}", stream.len())));
    }
}
