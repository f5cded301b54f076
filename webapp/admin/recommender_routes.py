"""The recommender's admin page: what model is served, what it measured, and retraining."""

from flask import flash, redirect, render_template, url_for

from recommender.artifacts import list_versions
from webapp.admin import bp
from webapp.recommendations import background
from webapp.recommendations.store import model_store


@bp.get("/recommender")
def recommender_status():
    store = model_store()
    model = store.get()
    versions = [p.name for p in list_versions(store.model_dir)]
    return render_template(
        "admin/recommender.html",
        model=model,
        version=store.version,
        error=store.error,
        versions=versions,
        training=background.status(),
        context=model.metrics.get("context") if model is not None else None,
    )


@bp.post("/recommender/train")
def recommender_train():
    if background.start():
        flash(
            "Training started. The site keeps serving the current model until the new one is ready.",
            "success",
        )
    else:
        flash("A training run is already going.", "info")
    return redirect(url_for("admin.recommender_status"))
