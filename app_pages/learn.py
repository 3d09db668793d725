"""Learn: the three scores item by item, their traps, clinical context, and a quiz.

Why everything here is read from ``scoring``: the reference tables, bands, traps and the
quiz's expected answers come from the same tables and the same ``score_case`` the
calculator uses, so what a trainee learns cannot drift from what the calculator computes.
The only prose written for this page is the clinical context (``assets/learn``), which
names its source. The quiz keeps its seed, answers and tally in this browser session only.

Widget keys: ``learn_quiz_score`` (which score), ``learn_quiz_new`` (new case),
``learn_quiz_check`` (check), and one ``learn_quiz_<score>_<item>`` per item.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import streamlit as st

from app_pages.ui.language import dropdown, session_translator
from app_pages.ui.results import SCORE_LABELS, survival_text, table_cell
from i18n import N_
from learn.quiz import ItemSpec, Marking, QuizChoice, Tally, generate, items_for, mark
from learn.quiz import option_text as _option_text
from learn.traps import Trap, traps_for
from scoring import bauer, katagiri, sins, tokuhashi, tomita
from scoring.bilsky import BilskyGrade
from scoring.case import PatientCase
from scoring.frankel import FrankelGrade
from scoring.labs import ANALYTES
from scoring.levels import VertebralLevel
from scoring.options import ScoredOption
from scoring.performance import ECOG_DEFINITIONS, KPS_DEFINITIONS
from scoring.primary_tumor import PrimaryTumor
from scoring.result import Band, ScoreResult
from scoring.sources import BILSKY_2010, REVIEW, Source

CONTEXT_FILE = Path(__file__).resolve().parents[1] / "assets" / "learn" / "clinical_context.md"
PREFIX = "learn_quiz_"
SEED_KEY = PREFIX + "seed"
TALLY_KEY = PREFIX + "tally"
MARKING_KEY = PREFIX + "marking"
COUNTED_KEY = PREFIX + "counted"
SCORE_KEY = PREFIX + "score"
SCORES = (
    ("tokuhashi", tokuhashi.BANDS, tokuhashi.SOURCE),
    ("katagiri", katagiri.BANDS, katagiri.SOURCE),
    ("sins", sins.BANDS, sins.SOURCE),
    ("tomita", tomita.BANDS, tomita.SOURCE),
    ("bauer", bauer.BANDS, bauer.SOURCE),
)


def widget_key(spec: ItemSpec) -> str:
    return PREFIX + spec.answer_key


# --------------------------------------------------------------------------- reference


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A Markdown table; the header's words are msgids, translated here."""
    _ = session_translator()
    lines = ["| " + " | ".join(_(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(table_cell(c) for c in row) + " |" for row in rows]
    st.markdown("\n".join(lines))


def _with_points(option: ScoredOption, label: str | None = None) -> str:
    """An option's label (or a shorter ``label``) with its points: "Slow growth (1)";
    in Japanese with full-width brackets, "緩徐な増殖（1）"."""
    _ = session_translator()
    return _("%(label)s (%(points)s)", label=_(label or option.label), points=option.points)


def _field_definition(name: str) -> str:
    """A case field's description without its 'Allowed' suffix (the options show that)."""
    info = PatientCase.model_fields[name]
    text = info.description or ""
    return session_translator()(re.split(r" Allowed: ", text)[0])


def _scale_tables(spec: ItemSpec) -> None:
    """The published scale or vocabulary behind an item, where one exists."""
    _ = session_translator()
    key = (spec.score, spec.key)
    rows: list[tuple[object, ...]]
    if key == ("tokuhashi", "general_condition"):
        rows = [
            (f"{k} %", _(text), _(tokuhashi.GeneralCondition.classify(k).label))
            for k, text in KPS_DEFINITIONS.items()
        ]
        _table((N_("Karnofsky"), N_("Definition (Karnofsky 1949)"), N_("Category")), rows)
    elif key == ("tokuhashi", "palsy"):
        rows = [
            (g.value, _(g.grade_name), _(g.definition), _(tokuhashi.PALSY_BY_FRANKEL[g].label))
            for g in FrankelGrade
        ]
        _table((N_("Frankel"), N_("Name"), N_("Definition (Frankel 1969)"), N_("Palsy")), rows)
    elif key == ("tomita", "primary"):
        rows = [
            (
                _(t.label),
                _with_points(a.option),
                _(a.evidence.label),
                _(a.reason),
            )
            for t, a in tomita.GROWTH.items()
        ]
        _table((N_("Primary tumor"), N_("Tomita growth"), N_("Trust"), N_("Reading")), rows)
    elif key in {("bauer", "not_lung_cancer"), ("bauer", "favourable_primary")}:
        table = bauer.NOT_LUNG if spec.key == "not_lung_cancer" else bauer.FAVOURABLE
        rows = [
            (
                _(t.label),
                _with_points(a.option),
                _(a.evidence.label),
                _(a.reason),
            )
            for t, a in table.items()
        ]
        with st.expander(_("Every primary tumor and its answer")):
            _table((N_("Primary tumor"), N_("Answer"), N_("Trust"), N_("Reading")), rows)
    elif spec.key == "primary":
        rows = [
            (
                _(t.label),
                _with_points(t.tokuhashi),
                _with_points(t.katagiri)
                if t.katagiri_verified
                else _("%(answer)s — unverified", answer=_with_points(t.katagiri)),
                _(t.reading),
            )
            for t in PrimaryTumor
        ]
        header = (N_("Primary tumor"), N_("Tokuhashi (organ)"), N_("Katagiri (growth)"))
        _table((*header, N_("Reading")), rows)
    elif key == ("katagiri", "ecog"):
        rows = [
            (e, _(text), katagiri.EcogPoint.classify(e).points)
            for e, text in ECOG_DEFINITIONS.items()
        ]
        _table((N_("ECOG"), N_("Definition (Oken 1982)"), N_("Points")), rows)
    elif key == ("katagiri", "laboratory"):
        rows = [
            (
                _(a.label),
                _with_points(a.tier, a.tier.short_label),
                _(" or ").join(_(a.criterion_text(r.unit)) for r in a.units),
            )
            for a in ANALYTES
        ]
        _table((N_("Analyte"), N_("Tier"), N_("Cut-off in each accepted unit (exact)")), rows)
    elif key == ("sins", "location"):
        rows = [
            (lv.value, _(lv.sins_location.label), lv.sins_location.points) for lv in VertebralLevel
        ]
        with st.expander(_("Every level and its location")):
            _table((N_("Level"), N_("Location"), N_("Points")), rows)


def _item(spec: ItemSpec) -> None:
    _ = session_translator()
    st.markdown(f"**{_(spec.label)}**")
    definition = " ".join(_field_definition(f) for f in spec.fields[:2])
    if spec.key == "laboratory":
        definition = _("Any one value meeting a cut-off; critical outranks abnormal.")
    st.caption(definition)
    _table(
        (N_("Option"), N_("Points"), N_("Source")),
        ((_(m.label), m.points, _(m.source.key)) for m in spec.table),
    )
    _scale_tables(spec)


def _bands(bands: Sequence[Band]) -> None:
    _ = session_translator()
    rows = []
    for band in bands:
        survival = survival_text(band)
        rows.append((_(band.label), f"{band.low}–{band.high}", _(band.meaning), survival or "—"))
    _table((N_("Band"), N_("Total"), N_("Published meaning"), N_("Published survival")), rows)


def _traps(traps: Sequence[Trap]) -> None:
    _ = session_translator()
    for trap in traps:
        sources = _.join_items(_(s.key) for s in trap.sources)
        st.markdown(
            _(
                "**%(title)s**. %(statement)s  \n*Reading used here:* %(reading)s "
                "*Sources:* %(sources)s.",
                title=_(trap.title),
                statement=_(trap.statement),
                reading=_(trap.reading),
                sources=sources,
            )
        )


def _score_tab(key: str, bands: Sequence[Band], source: Source) -> None:
    _ = session_translator()
    st.caption(_("Source: %(source)s", source=source))
    st.subheader(_("Items"))
    for spec in items_for(QuizChoice.parse(key)):
        _item(spec)
    st.subheader(_("Bands"))
    _bands(bands)
    if key == "tokuhashi":
        for band in bands:
            guidance = _(tokuhashi.GUIDANCE[band.code])
            st.caption(
                _(
                    "%(band)s: %(guidance)s (guidance, not scored)",
                    band=_(band.label),
                    guidance=guidance,
                )
            )
    elif key == "katagiri":
        st.caption(_(katagiri.SURVIVAL_NOTE))
    elif key == "sins":
        st.caption(_(sins.CONSULTATION_NOTE))
    elif key == "tomita":
        st.caption(_(tomita.GOAL_NOTE))
        st.caption(_(tomita.VALIDITY_NOTE))
    st.subheader(_("Traps users fall into"))
    st.caption(
        _(
            "Where the published tables are misquoted, ambiguous or silent, and the reading "
            "this calculator uses."
        )
    )
    _traps(traps_for(key))


def _context_file(language: str) -> Path:
    """The clinical context in ``language`` (a document per language; English if none)."""
    translated = CONTEXT_FILE.with_suffix(f".{language}.md")
    return translated if language != "en" and translated.is_file() else CONTEXT_FILE


def _context_tab() -> None:
    text = _context_file(session_translator().language).read_text(encoding="utf-8")
    st.markdown(re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL).strip())
    _ = session_translator()
    st.caption(
        _("Source: %(source)s. Summarised and attributed; not a recommendation.", source=REVIEW)
    )
    st.markdown("### " + _("Bilsky epidural spinal cord compression grades"))
    st.caption(
        _("Read on axial T2-weighted MRI; recorded for the case, not scored.") + f" {BILSKY_2010}"
    )
    _table((N_("Grade"), N_("Definition")), ((g.value, _(g.definition)) for g in BilskyGrade))


# --------------------------------------------------------------------------- quiz


def _choice() -> QuizChoice:
    return QuizChoice.parse(st.session_state.get(SCORE_KEY) or QuizChoice.TOKUHASHI.value)


def _clear_answers() -> None:
    for spec in items_for(QuizChoice.ALL):
        st.session_state.pop(widget_key(spec), None)
    st.session_state[MARKING_KEY] = None


def _new_case() -> None:
    """Draw a new seed; the answers and the feedback of the last case go with it."""
    st.session_state[SEED_KEY] = random.SystemRandom().randrange(1, 1_000_000)
    _clear_answers()


def _check() -> None:
    """Mark the answers; a case and score counts once in the tally, at its first check."""
    seed, choice = int(st.session_state[SEED_KEY]), _choice()
    answers = {s.answer_key: st.session_state.get(widget_key(s)) for s in items_for(choice)}
    marking = mark(generate(seed), choice, answers)
    st.session_state[MARKING_KEY] = marking
    counted: set[tuple[int, str]] = st.session_state.setdefault(COUNTED_KEY, set())
    if (seed, choice.value) not in counted:
        counted.add((seed, choice.value))
        st.session_state[TALLY_KEY] = st.session_state.get(TALLY_KEY, Tally()).add(marking)


def _feedback(marking: Marking) -> None:
    _ = session_translator()
    with st.container(key=PREFIX + "feedback"):
        st.subheader(
            _.ngettext(
                "Feedback: %(correct)s of %(asked)s item right",
                "Feedback: %(correct)s of %(asked)s items right",
                marking.asked,
            )
            % {"correct": marking.correct, "asked": marking.asked}
        )
        for m in marking.marks:
            item, right, why = _(m.spec.label), _(_option_text(m.expected)), _(m.why)
            if m.correct:
                st.success(
                    _("✓ **%(item)s**: %(answer)s. %(why)s", item=item, answer=right, why=why)
                )
                continue
            given = _(_option_text(m.given)) if m.given is not None else _("no answer")
            traps = "".join(_("  \nTrap: %(statement)s", statement=_(t.statement)) for t in m.traps)
            st.error(
                _(
                    "✗ **%(item)s** is wrong: you chose %(given)s; the answer is %(answer)s. "
                    "Why: %(why)s",
                    item=item,
                    given=given,
                    answer=right,
                    why=why,
                )
                + traps
            )
        for result in marking.results:
            st.info(_result_line(result))


def _result_line(result: ScoreResult) -> str:
    """One chosen score of the case: total, band meaning, published survival, source."""
    _ = session_translator()
    band = result.band
    values = {"score": _(result.name), "total": result.total, "source": _(result.source.key)}
    if band is None:
        return _("%(score)s of this case: %(total)s (%(source)s).", **values)
    values |= {"meaning": _(band.meaning), "band": _(band.label)}
    survival = survival_text(band)
    if not survival:
        return _(
            "%(score)s of this case: %(total)s: %(meaning)s (band %(band)s) (%(source)s).", **values
        )
    return _(
        "%(score)s of this case: %(total)s: %(meaning)s (band %(band)s); published survival "
        "%(survival)s (%(source)s).",
        survival=survival,
        **values,
    )


def _tally() -> None:
    _ = session_translator()
    tally: Tally = st.session_state.get(TALLY_KEY, Tally())
    with st.container(key=PREFIX + "tally"):
        st.markdown(
            _(
                "**Session tally:** rounds checked %(rounds)s (full marks %(full)s); items right "
                "%(correct)s of %(asked)s.",
                rounds=tally.rounds,
                full=tally.full_rounds,
                correct=tally.items_correct,
                asked=tally.items_asked,
            )
        )


def _formatter(table: type[ScoredOption]) -> Callable[[str], str]:
    """The option text of a code of ``table`` (a function per table, not a lambda in a loop)."""
    _ = session_translator()
    return lambda code: _(_option_text(table.parse(code)))


def _choice_labels() -> Callable[[str], str]:
    """A score choice's name in this run's language (bound now: a widget may format its
    options outside the script run)."""
    _ = session_translator()
    return lambda code: _(QuizChoice.parse(code).label)


def _quiz_tab() -> None:
    if SEED_KEY not in st.session_state:
        _new_case()
    seed = int(st.session_state[SEED_KEY])
    vignette = generate(seed)
    top = st.columns([3, 1], vertical_alignment="bottom")
    _ = session_translator()
    top[0].radio(
        _("Score to practise"),
        [c.value for c in QuizChoice],
        format_func=_choice_labels(),
        key=SCORE_KEY,
        horizontal=True,
        on_change=lambda: st.session_state.update({MARKING_KEY: None}),
    )
    top[1].button(_("New case"), key=PREFIX + "new", on_click=_new_case, width="stretch")
    _tally()
    choice = _choice()
    with st.container(border=True, key=PREFIX + "vignette"):
        st.caption(
            _("Case %(seed)s · laboratory values in SI units", seed=seed)
            if vignette.si_units
            else _("Case %(seed)s", seed=seed)
        )
        for paragraph in vignette.paragraphs:
            st.markdown(_(paragraph))
    with st.form(PREFIX + "form", border=False):
        for score in choice.scores:
            if choice is QuizChoice.ALL:
                st.markdown(f"**{_choice_labels()(score)}**")
            for spec in items_for(QuizChoice.parse(score)):
                table = spec.table
                st.selectbox(
                    _(spec.label),
                    [m.value for m in table],
                    index=None,
                    format_func=_formatter(table),
                    key=dropdown(widget_key(spec)),
                    placeholder=_("Choose the category"),
                )
        st.form_submit_button(_("Check"), key=PREFIX + "check", on_click=_check, type="primary")
    marking: Marking | None = st.session_state.get(MARKING_KEY)
    if marking is not None and marking.seed == seed and marking.choice is choice:
        _feedback(marking)


_ = session_translator()
st.header(_("Learn the scores"))
tabs = st.tabs([*(_(SCORE_LABELS[key]) for key, *__ in SCORES), _("Clinical context"), _("Quiz")])
for tab, (key, bands, source) in zip(tabs, SCORES, strict=False):
    with tab:
        _score_tab(key, bands, source)
with tabs[len(SCORES)]:
    _context_tab()
with tabs[len(SCORES) + 1]:
    _quiz_tab()
