"""Card classifiers: scikit-learn estimators trained from a register, used by the card when a bundle has them."""

from __future__ import annotations

import pickle
import random
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from models.card_classifiers import TextClassifier, TopicClassifier, fit_card_models
from pipeline.card import extract_card
from pipeline.ingest import ingest_text
from pipeline.resources import Resources

# A small register made up here: each kind has its own vocabulary, mixed with shared filler.
_KINDS = {
    (
        "citizen_appeal",
        "T01",
        "Жилищно-коммунальное хозяйство",
    ): "прошу отремонтировать крышу подъезда течет вода квартира",
    ("request", "T02", "Образование"): "просим предоставить сведения о количестве мест в школах до срока",
    ("invitation", "T03", "Культура"): "приглашаем принять участие в совещании фестивале по культуре",
    ("notification", "T04", "Транспорт"): "уведомляем об изменении маршрута автобуса и расписания движения",
}
_FILLER = [
    "в",
    "связи",
    "с",
    "тем",
    "что",
    "по",
    "данному",
    "вопросу",
    "сообщаем",
    "дополнительно",
    "администрация",
    "города",
]


def make_register(n_per_kind: int = 30, seed: int = 3) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for (kind, code, name), words in _KINDS.items():
        for _ in range(n_per_kind):
            tokens = words.split() * 2 + rng.sample(_FILLER, 6)
            rng.shuffle(tokens)
            rows.append(
                {
                    "text": " ".join(tokens),
                    "doc_kind": kind,
                    "topic_code": code,
                    "topic_name": name,
                    "appeal_kind": "жалоба" if kind == "citizen_appeal" and rng.random() < 0.5 else None,
                }
            )
    return pd.DataFrame(rows)


def test_fit_card_models_returns_calibrated_estimators():
    register = make_register()
    models = fit_card_models(register, max_features=2000)
    assert set(models) == {"doc_kind", "topic"}  # appeal_kind has one class here, channel no column
    proba = models["doc_kind"].predict_proba(["прошу отремонтировать крышу течет вода"])
    assert proba.shape == (1, 4)
    assert np.isclose(proba.sum(), 1.0)
    assert models["doc_kind"].predict(["приглашаем на фестиваль по культуре"])[0] == "invitation"
    assert models["topic"].names_["T02"] == "Образование"


def test_estimators_follow_the_sklearn_api_and_pickle():
    register = make_register(12)
    model = TextClassifier(max_features=500).fit(register["text"], register["doc_kind"])
    assert hasattr(model, "vectorizer_") and hasattr(model, "model_")
    restored = pickle.loads(pickle.dumps(model))
    sample = register["text"].iloc[:5].tolist()
    assert (restored.predict(sample) == model.predict(sample)).all()
    assert clone(model).get_params()["max_features"] == 500
    unfitted = TopicClassifier()
    with pytest.raises(Exception, match="not fitted"):
        unfitted.predict(["x"])


def test_one_shared_vectorizer_and_a_held_out_calibration_slice():
    register = make_register(60)
    register["reg_date"] = pd.date_range("2024-01-01", periods=len(register), freq="D")
    register = register.sample(frac=1.0, random_state=0)  # fit_card_models puts rows back in date order
    models = fit_card_models(register, max_features=2000)
    assert models["doc_kind"].vectorizer_ is models["topic"].vectorizer_
    restored = pickle.loads(pickle.dumps(models))
    assert restored["doc_kind"].vectorizer_ is restored["topic"].vectorizer_
    # the SVM knows every kind although the newest rows were kept for the sigmoids
    newest = register.sort_values("reg_date").iloc[-24:]
    assert set(models["doc_kind"].model_.classes_) == set(register["doc_kind"])
    assert (models["doc_kind"].predict(newest["text"].tolist()) == newest["doc_kind"].to_numpy()).mean() > 0.9
    # the card asks several models about one letter: the memoised features are the same as fresh ones
    text = newest["text"].iloc[0]
    first = models["topic"].predict_proba([text])
    assert np.allclose(first, models["topic"].predict_proba([text]))
    assert np.allclose(first, models["topic"].predict_proba([text, "другой текст"])[:1], atol=1e-6)
    # one copy of the weights in a pickle (the SVM's own, not a second one for the fast path)
    topic = models["topic"]
    assert len(pickle.dumps(topic)) < 1.5 * len(pickle.dumps(topic.model_)) + len(
        pickle.dumps(topic.vectorizer_)
    )


def test_extract_card_uses_the_bundles_models_with_their_probability():
    models = fit_card_models(make_register(), max_features=2000)
    bundle = SimpleNamespace(card_models=models)
    document = ingest_text("Уведомляем об изменении маршрута автобуса № 5 и расписания движения.")
    card = extract_card(document, Resources(bundle=bundle)).model_dump(mode="json")
    assert card["doc_kind"]["value"] == "notification"
    assert card["doc_kind"]["source"] == "model"
    assert card["topic"]["value"] == {"code": "T04", "name": "Транспорт"}
    probability = models["doc_kind"].predict_proba([document.text])[0].max()
    assert card["doc_kind"]["confidence"] == pytest.approx(probability, abs=1e-3)


def test_without_a_bundle_topic_stays_null():
    card = extract_card(ingest_text("Уведомляем об изменении маршрута."), Resources()).model_dump(mode="json")
    assert card["topic"] is None
    assert card["doc_kind"]["source"] == "rule"


def test_a_scanned_letter_gets_a_paper_channel_from_the_model():
    from pipeline.document import Document, Page

    register = make_register()
    register["channel"] = np.where(register["doc_kind"] == "citizen_appeal", "email", "post")
    bundle = SimpleNamespace(card_models=fit_card_models(register, max_features=2000))
    text = "прошу отремонтировать крышу подъезда течет вода квартира"
    typed = extract_card(ingest_text(text), Resources(bundle=bundle))
    assert typed.channel.value == "email"
    scan = Document(id="s", media_type="image/tiff", pages=[Page(1, text, ocr=True)])
    card = extract_card(scan, Resources(bundle=bundle))
    assert card.channel.value == "post" and card.channel.source == "model"
    assert 0.0 < card.channel.confidence <= 1.0


class _Unsure:
    """A doc-kind model that guesses «invitation» at a low probability."""

    def predict_one(self, text):
        return "invitation", 0.45


def test_a_forwarding_cover_outweighs_an_unsure_models_guess():
    text = (
        "Главе города Лошкину А.А.\nВ соответствии с частью 3 статьи 8 Федерального закона от 02.05.2006 № 59-ФЗ "
        "направляю на Ваше рассмотрение заявление Дроздовой А.С. по вопросу содержания дома.\n"
    )
    bundle = SimpleNamespace(card_models={"doc_kind": _Unsure()})
    card = extract_card(ingest_text(text), Resources(bundle=bundle))
    assert card.doc_kind.value == "citizen_appeal" and card.doc_kind.source == "rule"
