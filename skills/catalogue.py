"""The starting catalogue every installation gets: skills a mid-size company would list.

HR edits the catalogue in the browser afterwards; this list only seeds it (migration 0002), so
changing an entry here does not touch an installation that already has the skill.
"""

from typing import Any, NamedTuple


class CatalogueSkill(NamedTuple):
    name: str
    category: str  # a SkillCategory value; plain strings so the data migration needs no app import
    description: str
    aliases: str = ""


DIGITAL = "digital"
LEADERSHIP = "leadership"
TECHNICAL = "technical"
CAREER = "career"
INTERPERSONAL = "interpersonal"

CATALOGUE: tuple[CatalogueSkill, ...] = (
    # Digital & emerging technology: what reverse mentoring usually teaches upwards.
    CatalogueSkill(
        "Generative AI tools",
        DIGITAL,
        "Using assistants such as ChatGPT, Copilot or Gemini safely and productively in daily work.",
        "genai, gen ai, chatgpt, copilot, gemini, llm, ai assistants",
    ),
    CatalogueSkill(
        "Prompt writing",
        DIGITAL,
        "Writing clear instructions, examples and constraints that get reliable answers from AI models.",
        "prompt engineering, prompting",
    ),
    CatalogueSkill(
        "Data literacy",
        DIGITAL,
        "Reading, questioning and explaining data, charts and metrics with confidence.",
        "data fluency, working with data",
    ),
    CatalogueSkill(
        "Cloud collaboration tools",
        DIGITAL,
        "Working together in shared documents, chat and video: Microsoft 365, Google Workspace, Slack, Teams.",
        "m365, office 365, google workspace, g suite, slack, microsoft teams, sharepoint",
    ),
    CatalogueSkill(
        "Social media",
        DIGITAL,
        "Using LinkedIn, Instagram, TikTok and similar platforms professionally and for the brand.",
        "social networks, linkedin, instagram, tiktok",
    ),
    CatalogueSkill(
        "Cybersecurity hygiene",
        DIGITAL,
        "Everyday security habits: strong passwords, MFA, spotting phishing, handling data safely.",
        "security awareness, phishing, infosec basics, cyber hygiene",
    ),
    CatalogueSkill(
        "No-code automation",
        DIGITAL,
        "Automating routine work with tools like Power Automate, Zapier or Make, without programming.",
        "low-code, power automate, zapier, make.com, workflow automation",
    ),
    CatalogueSkill(
        "Data visualisation",
        DIGITAL,
        "Turning data into clear charts and dashboards people act on.",
        "data visualization, dataviz, charts, dashboards",
    ),
    CatalogueSkill(
        "Business intelligence dashboards",
        DIGITAL,
        "Building and maintaining self-service reports in Power BI, Tableau or Looker.",
        "bi, power bi, tableau, looker, reporting",
    ),
    CatalogueSkill(
        "Spreadsheet analysis",
        DIGITAL,
        "Formulas, pivot tables, lookups and clean layouts in Excel or Google Sheets.",
        "excel, google sheets, pivot tables, spreadsheets",
    ),
    CatalogueSkill(
        "Digital marketing",
        DIGITAL,
        "Planning and measuring online campaigns across search, email, social and display.",
        "online marketing, performance marketing",
    ),
    CatalogueSkill(
        "Search engine optimisation",
        DIGITAL,
        "Making web content easy to find: keywords, structure, performance and links.",
        "seo, search engine optimization",
    ),
    CatalogueSkill(
        "Content creation",
        DIGITAL,
        "Producing short videos, posts, podcasts and graphics that people want to share.",
        "video editing, content production, canva",
    ),
    CatalogueSkill(
        "Virtual facilitation",
        DIGITAL,
        "Running engaging online meetings and workshops with whiteboards, polls and breakouts.",
        "online facilitation, remote workshops, miro, mural",
    ),
    CatalogueSkill(
        "Remote and hybrid working",
        DIGITAL,
        "Working well across locations: asynchronous habits, clear written updates, healthy boundaries.",
        "hybrid work, remote work, async work",
    ),
    CatalogueSkill(
        "Digital accessibility",
        DIGITAL,
        "Making documents, sites and apps usable by everyone, including people using assistive technology.",
        "a11y, accessibility, wcag",
    ),
    CatalogueSkill(
        "AI ethics and responsible AI",
        DIGITAL,
        "Recognising bias, privacy and transparency risks of AI and applying company guidelines.",
        "responsible ai, ai governance, ai ethics",
    ),
    CatalogueSkill(
        "Machine learning fundamentals",
        DIGITAL,
        "How models learn from data, what they can and cannot do, and how to evaluate them.",
        "ml, machine learning, ai basics",
    ),
    CatalogueSkill(
        "Data privacy and GDPR",
        DIGITAL,
        "Handling personal data lawfully: consent, minimisation, retention and data subject requests.",
        "gdpr, privacy, data protection, dsgvo",
    ),
    CatalogueSkill(
        "E-commerce",
        DIGITAL,
        "Running online sales channels: storefronts, payments, conversion and marketplaces.",
        "online retail, shopify, marketplaces",
    ),
    CatalogueSkill(
        "Digital product management",
        DIGITAL,
        "Discovering user needs and shipping digital products in small, measured increments.",
        "product management, product owner, po",
    ),
    CatalogueSkill(
        "User experience design",
        DIGITAL,
        "Researching users and designing flows, wireframes and prototypes that are easy to use.",
        "ux, ui/ux, user research, figma",
    ),
    # Leadership: what traditional mentoring usually passes on.
    CatalogueSkill(
        "Strategic thinking",
        LEADERSHIP,
        "Seeing the bigger picture, weighing options and setting direction for the long term.",
        "strategy, strategic planning",
    ),
    CatalogueSkill(
        "Giving feedback",
        LEADERSHIP,
        "Offering specific, timely, kind feedback that helps people improve.",
        "constructive feedback, feedback conversations",
    ),
    CatalogueSkill(
        "Stakeholder management",
        LEADERSHIP,
        "Mapping who cares about a piece of work and keeping them informed, involved and aligned.",
        "stakeholder engagement, managing stakeholders",
    ),
    CatalogueSkill(
        "Coaching",
        LEADERSHIP,
        "Helping others find their own answers through questions, listening and follow-up.",
        "coaching skills, coaching conversations",
    ),
    CatalogueSkill(
        "Delegation",
        LEADERSHIP,
        "Handing over work with clear outcomes and the right level of support and trust.",
        "delegating",
    ),
    CatalogueSkill(
        "Change management",
        LEADERSHIP,
        "Leading people through organisational change: the case for it, communication, adoption.",
        "leading change, change leadership, adkar",
    ),
    CatalogueSkill(
        "Decision making",
        LEADERSHIP,
        "Making sound, timely decisions with incomplete information and explaining them.",
        "decisiveness, judgement, judgment",
    ),
    CatalogueSkill(
        "Team building",
        LEADERSHIP,
        "Creating a team with shared purpose, clear roles and trust.",
        "team development, building teams",
    ),
    CatalogueSkill(
        "People management",
        LEADERSHIP,
        "The day-to-day of managing a team: one-to-ones, goals, workload, wellbeing.",
        "line management, managing people, team lead",
    ),
    CatalogueSkill(
        "Performance management",
        LEADERSHIP,
        "Setting expectations, reviewing performance fairly and addressing underperformance.",
        "performance reviews, appraisals, okrs",
    ),
    CatalogueSkill(
        "Leading remote teams",
        LEADERSHIP,
        "Keeping distributed teams connected, aligned and productive across time zones.",
        "distributed teams, virtual leadership",
    ),
    CatalogueSkill(
        "Inclusive leadership",
        LEADERSHIP,
        "Leading so that every team member is heard, respected and able to contribute.",
        "leading inclusively, belonging at work",
    ),
    CatalogueSkill(
        "Budget management",
        LEADERSHIP,
        "Planning, tracking and defending a team or project budget.",
        "budgeting, cost control",
    ),
    CatalogueSkill(
        "Project management",
        LEADERSHIP,
        "Planning scope, time, risks and people to deliver projects, classic or agile.",
        "pm, project planning, prince2, pmp",
    ),
    CatalogueSkill(
        "Agile ways of working",
        LEADERSHIP,
        "Working in short iterations with Scrum or Kanban, retrospectives and visible priorities.",
        "agile, scrum, kanban",
    ),
    CatalogueSkill(
        "Vision setting",
        LEADERSHIP,
        "Describing a compelling future and connecting daily work to it.",
        "setting direction, purpose",
    ),
    CatalogueSkill(
        "Executive presence",
        LEADERSHIP,
        "Conveying confidence, clarity and composure with senior audiences.",
        "gravitas, leadership presence",
    ),
    CatalogueSkill(
        "Crisis management",
        LEADERSHIP,
        "Leading calmly through incidents and crises: triage, communication, recovery.",
        "incident leadership, business continuity",
    ),
    CatalogueSkill(
        "Mentoring others",
        LEADERSHIP,
        "Sharing experience and opening doors for less experienced colleagues.",
        "mentoring, being a mentor",
    ),
    CatalogueSkill(
        "Prioritisation",
        LEADERSHIP,
        "Choosing what matters most, saying no, and sequencing work for impact.",
        "prioritization, focus",
    ),
    # Technical and domain skills.
    CatalogueSkill(
        "SQL",
        TECHNICAL,
        "Querying and shaping relational data: joins, aggregates, window functions.",
        "structured query language, postgres, mysql, databases",
    ),
    CatalogueSkill(
        "Python",
        TECHNICAL,
        "Writing Python for scripts, data analysis, automation and services.",
        "python programming, pandas",
    ),
    CatalogueSkill(
        "JavaScript and TypeScript",
        TECHNICAL,
        "Building web front ends and services in JavaScript or TypeScript.",
        "javascript, typescript, js, ts, react, node.js",
    ),
    CatalogueSkill(
        "Java",
        TECHNICAL,
        "Building and maintaining Java services and applications.",
        "jvm, spring, kotlin",
    ),
    CatalogueSkill(
        "Cloud architecture",
        TECHNICAL,
        "Designing reliable, secure, cost-aware systems on AWS, Azure or Google Cloud.",
        "aws, azure, gcp, google cloud, cloud design",
    ),
    CatalogueSkill(
        "Kubernetes",
        TECHNICAL,
        "Deploying and operating containerised workloads on Kubernetes clusters.",
        "k8s, kube, containers orchestration",
    ),
    CatalogueSkill(
        "Docker and containers",
        TECHNICAL,
        "Packaging applications into container images and running them consistently.",
        "docker, containers, podman",
    ),
    CatalogueSkill(
        "DevOps and CI/CD",
        TECHNICAL,
        "Automating build, test and deployment pipelines and running services in production.",
        "devops, ci/cd, continuous integration, continuous delivery, github actions, jenkins",
    ),
    CatalogueSkill(
        "Infrastructure as code",
        TECHNICAL,
        "Describing infrastructure in versioned code with Terraform, Pulumi or CloudFormation.",
        "iac, terraform, pulumi, cloudformation",
    ),
    CatalogueSkill(
        "Software testing",
        TECHNICAL,
        "Designing automated and exploratory tests that catch problems early.",
        "qa, quality assurance, test automation",
    ),
    CatalogueSkill(
        "Software architecture",
        TECHNICAL,
        "Structuring systems into components with clear boundaries, trade-offs and documentation.",
        "system design, solution architecture",
    ),
    CatalogueSkill(
        "Data engineering",
        TECHNICAL,
        "Building reliable pipelines that move and model data for analytics.",
        "etl, elt, data pipelines, dbt, airflow",
    ),
    CatalogueSkill(
        "Statistics",
        TECHNICAL,
        "Sampling, distributions, hypothesis tests and regression applied to business questions.",
        "statistical analysis, a/b testing, regression",
    ),
    CatalogueSkill(
        "Network security",
        TECHNICAL,
        "Securing networks and systems: firewalls, identity, monitoring and incident response.",
        "infosec, cybersecurity, security engineering, soc",
    ),
    CatalogueSkill(
        "Financial modelling",
        TECHNICAL,
        "Building spreadsheet models for forecasts, valuations and business cases.",
        "financial modeling, forecasting, dcf, business case",
    ),
    CatalogueSkill(
        "Accounting fundamentals",
        TECHNICAL,
        "Reading and preparing financial statements; accruals, ledgers and closing.",
        "bookkeeping, financial accounting, ifrs, gaap",
    ),
    CatalogueSkill(
        "Financial analysis",
        TECHNICAL,
        "Interpreting financial results, margins and variances to support decisions.",
        "fp&a, variance analysis, controlling",
    ),
    CatalogueSkill(
        "Supply chain planning",
        TECHNICAL,
        "Forecasting demand and planning supply, inventory and capacity.",
        "s&op, demand planning, inventory planning, logistics",
    ),
    CatalogueSkill(
        "Procurement",
        TECHNICAL,
        "Sourcing suppliers, running tenders and managing purchasing contracts.",
        "purchasing, sourcing, vendor management",
    ),
    CatalogueSkill(
        "Contract law basics",
        TECHNICAL,
        "Understanding the key clauses of commercial contracts and when to involve legal.",
        "contracts, legal basics, commercial law",
    ),
    CatalogueSkill(
        "Regulatory compliance",
        TECHNICAL,
        "Knowing the rules that apply to the business and building them into processes.",
        "compliance, governance risk and compliance, grc",
    ),
    CatalogueSkill(
        "Risk management",
        TECHNICAL,
        "Identifying, assessing and mitigating operational and business risks.",
        "risk assessment, enterprise risk",
    ),
    CatalogueSkill(
        "Lean and process improvement",
        TECHNICAL,
        "Mapping processes and removing waste with Lean, Six Sigma and kaizen methods.",
        "lean, six sigma, continuous improvement, kaizen",
    ),
    CatalogueSkill(
        "Sales techniques",
        TECHNICAL,
        "Prospecting, discovery, proposals and closing in business-to-business sales.",
        "selling, b2b sales, account management",
    ),
    CatalogueSkill(
        "Customer success",
        TECHNICAL,
        "Helping customers reach their goals with the product and renew.",
        "customer support, account care, retention",
    ),
    CatalogueSkill(
        "Market research",
        TECHNICAL,
        "Sizing markets and understanding customers and competitors with surveys and interviews.",
        "competitive analysis, customer insights",
    ),
    CatalogueSkill(
        "Talent acquisition",
        TECHNICAL,
        "Attracting, interviewing and selecting the right people.",
        "recruiting, recruitment, hiring, interviewing",
    ),
    CatalogueSkill(
        "Employment law basics",
        TECHNICAL,
        "The essentials of employment contracts, working time, leave and fair process.",
        "labour law, labor law, hr law",
    ),
    CatalogueSkill(
        "Technical writing",
        TECHNICAL,
        "Writing clear documentation, specifications and how-to guides.",
        "documentation, docs",
    ),
    # Career skills.
    CatalogueSkill(
        "Career planning",
        CAREER,
        "Setting career goals and planning the experiences and skills to reach them.",
        "career development, career goals",
    ),
    CatalogueSkill(
        "Personal branding",
        CAREER,
        "Being known for your strengths inside and outside the company.",
        "professional brand, reputation",
    ),
    CatalogueSkill(
        "Networking",
        CAREER,
        "Building and keeping professional relationships that help both sides.",
        "professional networking, relationship building",
    ),
    CatalogueSkill(
        "Navigating promotions",
        CAREER,
        "Understanding how promotions work here and preparing a strong case.",
        "promotion, getting promoted, career progression",
    ),
    CatalogueSkill(
        "Salary negotiation",
        CAREER,
        "Preparing for and holding conversations about pay and benefits.",
        "pay negotiation, compensation",
    ),
    CatalogueSkill(
        "Interview skills",
        CAREER,
        "Presenting your experience convincingly in internal and external interviews.",
        "job interviews, interviewing for a role",
    ),
    CatalogueSkill(
        "Time management",
        CAREER,
        "Planning your days and weeks so important work gets done without overload.",
        "productivity, personal organisation",
    ),
    CatalogueSkill(
        "Resilience and wellbeing",
        CAREER,
        "Managing stress, energy and setbacks in a sustainable way.",
        "stress management, wellbeing, well-being, burnout prevention",
    ),
    CatalogueSkill(
        "Managing up",
        CAREER,
        "Working effectively with your manager: expectations, updates and asking for support.",
        "managing your manager",
    ),
    CatalogueSkill(
        "Internal mobility",
        CAREER,
        "Exploring and moving into roles in other teams, functions or countries.",
        "job rotation, career change, internal moves",
    ),
    CatalogueSkill(
        "Learning how to learn",
        CAREER,
        "Picking up new skills quickly with deliberate practice, reflection and good resources.",
        "self-directed learning, growth mindset",
    ),
    CatalogueSkill(
        "Returning to work",
        CAREER,
        "Finding your feet again after parental leave, illness or a career break.",
        "career break, re-entry, parental leave return",
    ),
    CatalogueSkill(
        "Professional visibility",
        CAREER,
        "Making your work and its impact visible to the people who decide.",
        "self-promotion, visibility",
    ),
    CatalogueSkill(
        "Building a portfolio career",
        CAREER,
        "Combining roles, projects and side interests into a coherent career story.",
        "portfolio career, career story",
    ),
    # Interpersonal and culture.
    CatalogueSkill(
        "Negotiation",
        INTERPERSONAL,
        "Reaching agreements that work for both sides through preparation and principled bargaining.",
        "negotiating, deal making",
    ),
    CatalogueSkill(
        "Public speaking",
        INTERPERSONAL,
        "Speaking to groups with clarity and confidence, in person and online.",
        "presenting, presentations, speaking",
    ),
    CatalogueSkill(
        "Cross-cultural communication",
        INTERPERSONAL,
        "Working well with colleagues from other cultures, countries and first languages.",
        "intercultural communication, cultural awareness, global teams",
    ),
    CatalogueSkill(
        "Active listening",
        INTERPERSONAL,
        "Listening to understand, reflecting back and asking good follow-up questions.",
        "listening",
    ),
    CatalogueSkill(
        "Conflict resolution",
        INTERPERSONAL,
        "Addressing disagreements early and finding outcomes people can commit to.",
        "conflict management, mediation",
    ),
    CatalogueSkill(
        "Emotional intelligence",
        INTERPERSONAL,
        "Recognising and managing your emotions and responding well to others'.",
        "eq, ei, self-awareness, empathy",
    ),
    CatalogueSkill(
        "Storytelling",
        INTERPERSONAL,
        "Structuring messages as stories that people remember and act on.",
        "narrative, storytelling with data",
    ),
    CatalogueSkill(
        "Business writing",
        INTERPERSONAL,
        "Writing concise emails, memos and reports that get to the point.",
        "writing, email writing, written communication",
    ),
    CatalogueSkill(
        "Influencing without authority",
        INTERPERSONAL,
        "Persuading peers and senior colleagues when you cannot simply decide.",
        "persuasion, influence",
    ),
    CatalogueSkill(
        "Receiving feedback",
        INTERPERSONAL,
        "Asking for feedback, hearing it without defensiveness and acting on it.",
        "accepting feedback, feedback seeking",
    ),
    CatalogueSkill(
        "Facilitation",
        INTERPERSONAL,
        "Designing and running meetings and workshops that reach a result.",
        "meeting facilitation, workshop design",
    ),
    CatalogueSkill(
        "Collaboration",
        INTERPERSONAL,
        "Working across teams and functions towards a shared goal.",
        "teamwork, cross-functional collaboration",
    ),
    CatalogueSkill(
        "Difficult conversations",
        INTERPERSONAL,
        "Raising sensitive topics honestly and respectfully, and keeping the relationship.",
        "crucial conversations, hard conversations",
    ),
    CatalogueSkill(
        "Diversity, equity and inclusion",
        INTERPERSONAL,
        "Understanding bias and contributing to a workplace where everyone belongs.",
        "dei, inclusion, unconscious bias, belonging",
    ),
    CatalogueSkill(
        "Customer empathy",
        INTERPERSONAL,
        "Seeing problems through the customer's eyes and letting that shape the work.",
        "customer focus, customer centricity",
    ),
    CatalogueSkill(
        "Business English",
        INTERPERSONAL,
        "Communicating confidently in English in meetings, calls and writing.",
        "english, english for work",
    ),
    CatalogueSkill(
        "Working across generations",
        INTERPERSONAL,
        "Collaborating well with colleagues of different ages, habits and expectations.",
        "intergenerational collaboration, generational diversity",
    ),
)


def seed_into(skill_model: Any) -> int:
    """Add the catalogue's skills that `skill_model` lacks (compared by name in any case); returns
    how many were added. Takes the model so the data migration can pass its historical one."""
    existing = {name.lower() for name in skill_model.objects.values_list("name", flat=True)}
    missing = [item for item in CATALOGUE if item.name.lower() not in existing]
    skill_model.objects.bulk_create(
        skill_model(name=item.name, category=item.category, description=item.description, aliases=item.aliases)
        for item in missing
    )
    return len(missing)
