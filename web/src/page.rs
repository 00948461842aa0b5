//! The layout every page shares (the header with the network's and the org's names,
//! the navigation, the language menu, the log-out button) and the step that turns a
//! page's template into a response, or a failure into a page that says what to do.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use commons_node::store::StoreError;

use crate::AppState;
use crate::i18n::{Lang, Tr};
use crate::security::Staff;

/// The sections of the app, for the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// What is new.
    Home,
    /// Case studies.
    Cases,
    /// Campaigns.
    Campaigns,
    /// Solidarity alerts.
    Alerts,
    /// The roster and votes.
    Members,
    /// Working groups.
    Groups,
    /// This node's health.
    Node,
}

/// One entry of the navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Where it leads.
    pub href: &'static str,
    /// Its label.
    pub label: String,
    /// Whether it is the section shown.
    pub current: bool,
}

/// One language of the language menu.
#[derive(Debug, Clone)]
pub struct LangChoice {
    /// Its code.
    pub code: &'static str,
    /// Its name in itself.
    pub name: &'static str,
    /// Whether it is the person's.
    pub selected: bool,
}

/// What the shared layout shows around a page.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The person's translator.
    pub t: Tr,
    /// The CSRF token every form carries.
    pub csrf: String,
    /// The page's title (in `<title>` and its `<h1>`).
    pub title: String,
    /// The network's name.
    pub network_name: String,
    /// Our org's name: whom the person acts for.
    pub org_name: String,
    /// The navigation.
    pub nav: Vec<NavItem>,
    /// The language menu.
    pub langs: Vec<LangChoice>,
    /// A notice to show once at the top (such as "Your case study was published").
    pub notice: Option<String>,
}

impl Layout {
    /// The layout of a page of `section` titled `title`, for `staff`.
    pub fn new(
        state: &AppState,
        staff: &Staff,
        section: Section,
        title: impl Into<String>,
    ) -> Layout {
        let t = staff.tr.clone();
        let nav = [
            ("/", "nav-home", Section::Home),
            ("/cases", "nav-cases", Section::Cases),
            ("/campaigns", "nav-campaigns", Section::Campaigns),
            ("/alerts", "nav-alerts", Section::Alerts),
            ("/members", "nav-members", Section::Members),
            ("/groups", "nav-groups", Section::Groups),
            ("/node", "nav-node", Section::Node),
        ]
        .into_iter()
        .map(|(href, id, item)| NavItem {
            href,
            label: t.msg(id),
            current: item == section,
        })
        .collect();
        Layout {
            langs: lang_choices(t.lang()),
            t,
            csrf: staff.csrf.clone(),
            title: title.into(),
            network_name: state.node().charter.name.clone(),
            org_name: state.our_name(),
            nav,
            notice: None,
        }
    }

    /// The same layout with a notice at the top.
    pub fn with_notice(mut self, notice: Option<String>) -> Layout {
        self.notice = notice;
        self
    }

    /// The person's language code, for `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.t.lang().code()
    }

    /// The person's writing direction, for `<html dir>`.
    pub fn dir(&self) -> &'static str {
        self.t.lang().dir()
    }

    /// A page that says what went wrong and what to do, with `status`.
    pub fn failure(self, status: StatusCode, message: impl Into<String>) -> Failure {
        Failure {
            status,
            page: ErrorPage {
                message: message.into(),
                page: self,
            },
        }
    }

    /// A failure to read the store.
    pub fn store_failure(self, error: &StoreError) -> Failure {
        tracing::warn!(%error, "a page could not read the store");
        let message = format!("{} ({error})", self.t.msg("error-store"));
        self.failure(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// A page for something that is not here.
    pub fn not_found(self) -> Failure {
        let message = self.t.msg("error-not-found");
        self.failure(StatusCode::NOT_FOUND, message)
    }
}

/// The languages of the menu, the person's marked.
pub fn lang_choices(current: Lang) -> Vec<LangChoice> {
    Lang::ALL
        .into_iter()
        .map(|lang| LangChoice {
            code: lang.code(),
            name: lang.own_name(),
            selected: lang == current,
        })
        .collect()
}

/// The page shown for a failure.
#[derive(Debug, Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// The layout.
    pub page: Layout,
    /// What happened and what to do.
    pub message: String,
}

/// A page handler's failure: a rendered page with a status.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    page: ErrorPage,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = render(&self.page);
        *response.status_mut() = self.status;
        response
    }
}

/// What page handlers return.
pub type PageResult = Result<Response, Failure>;

/// A template as an HTML response.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page did not render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "This page could not be shown. The node's log says why.",
            )
                .into_response()
        }
    }
}
