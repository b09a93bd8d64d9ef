"""evaluation: each cohort keeps its own codebook (themes belong to a cohort, not a programme)

Revision ID: 0013_cohort_codebooks
Revises: 0012_signin_failures
Create Date: 2026-12-07 17:40:00

Existing data: every programme theme is copied to each cohort of that programme (sub-
themes under their parent's copy), each coding is pointed at its own cohort's copy, and
the programme-wide themes are then removed. Downgrade keeps one copy per programme
(the oldest cohort's) and points every coding at it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_cohort_codebooks'
down_revision = '0012_signin_failures'
branch_labels = None
depends_on = None

THEME_COLUMNS = "parent_id, name, definition, example, created_at"


def _rebuilding(connection, alter, columns: str):
    """Run `alter`, which rebuilds evaluation_themes on SQLite, without losing rows: with
    foreign keys on (they cannot be turned off inside the migration's transaction),
    dropping the old table cascades to the link table and to the new table's sub-themes.
    So the themes (with the `columns` they have afterwards) and links are put back."""
    themes = connection.execute(sa.text(
        f"SELECT id, {columns} FROM evaluation_themes ORDER BY parent_id IS NOT NULL, id"
    )).mappings().all()
    links = connection.execute(
        sa.text("SELECT coding_id, theme_id FROM evaluation_coding_themes")
    ).all()
    alter()
    connection.execute(sa.text("DELETE FROM evaluation_coding_themes"))
    connection.execute(sa.text("DELETE FROM evaluation_themes WHERE parent_id IS NOT NULL"))
    connection.execute(sa.text("DELETE FROM evaluation_themes"))
    names = ", ".join(f":{name.strip()}" for name in columns.split(","))
    for theme in themes:
        connection.execute(
            sa.text(f"INSERT INTO evaluation_themes (id, {columns}) VALUES (:id, {names})"),
            dict(theme),
        )
    if links:
        connection.execute(
            sa.text("INSERT INTO evaluation_coding_themes (coding_id, theme_id) VALUES (:c, :t)"),
            [{"c": coding, "t": theme} for coding, theme in links],
        )


def upgrade():
    # A plain ADD COLUMN: no rebuild of the table yet.
    op.add_column('evaluation_themes', sa.Column('cohort_id', sa.Integer(), nullable=True))

    connection = op.get_bind()
    themes = connection.execute(sa.text(
        f"SELECT id, programme, {THEME_COLUMNS} FROM evaluation_themes "
        "ORDER BY parent_id IS NOT NULL, id"
    )).mappings().all()
    cohorts = connection.execute(sa.text("SELECT id, programme FROM cohorts")).all()
    copies = {}  # (old theme id, cohort id) -> new theme id
    for theme in themes:  # parents first, so a sub-theme finds its parent's copy
        for cohort_id, programme in cohorts:
            if programme != theme["programme"]:
                continue
            parent = copies.get((theme["parent_id"], cohort_id)) if theme["parent_id"] else None
            copies[(theme["id"], cohort_id)] = connection.execute(
                sa.text(
                    "INSERT INTO evaluation_themes (programme, cohort_id, parent_id, name, "
                    "definition, example, created_at) VALUES (:programme, :cohort, :parent, "
                    ":name, :definition, :example, :created_at) RETURNING id"
                ),
                {**theme, "cohort": cohort_id, "parent": parent},
            ).scalar_one()
    links = connection.execute(sa.text(
        "SELECT l.coding_id, l.theme_id, c.cohort_id FROM evaluation_coding_themes l "
        "JOIN evaluation_codings c ON c.id = l.coding_id"
    )).all()
    for coding_id, theme_id, cohort_id in links:
        connection.execute(
            sa.text(
                "UPDATE evaluation_coding_themes SET theme_id = :new "
                "WHERE coding_id = :coding AND theme_id = :old"
            ),
            {"new": copies[(theme_id, cohort_id)], "coding": coding_id, "old": theme_id},
        )
    # Sub-themes first: the programme-wide themes are gone, their copies stay.
    connection.execute(sa.text(
        "DELETE FROM evaluation_themes WHERE cohort_id IS NULL AND parent_id IS NOT NULL"
    ))
    connection.execute(sa.text("DELETE FROM evaluation_themes WHERE cohort_id IS NULL"))

    def alter():
        with op.batch_alter_table('evaluation_themes', schema=None) as batch_op:
            batch_op.alter_column('cohort_id', existing_type=sa.Integer(), nullable=False)
            batch_op.drop_index(batch_op.f('ix_evaluation_themes_programme'))
            batch_op.drop_column('programme')
            batch_op.create_index(
                batch_op.f('ix_evaluation_themes_cohort_id'), ['cohort_id'], unique=False
            )
            batch_op.create_foreign_key(
                batch_op.f('fk_evaluation_themes_cohort_id_cohorts'), 'cohorts', ['cohort_id'],
                ['id'], ondelete='CASCADE',
            )

    _rebuilding(connection, alter, "cohort_id, " + THEME_COLUMNS)


def downgrade():
    op.add_column('evaluation_themes', sa.Column('programme', sa.String(length=60), nullable=True))
    connection = op.get_bind()
    connection.execute(sa.text(
        "UPDATE evaluation_themes SET programme = "
        "(SELECT programme FROM cohorts WHERE cohorts.id = evaluation_themes.cohort_id)"
    ))
    # One codebook per programme again: the oldest cohort's copy of each theme is kept.
    themes = connection.execute(sa.text(
        "SELECT t.id, t.programme, t.parent_id, t.name, p.name AS parent_name, t.cohort_id "
        "FROM evaluation_themes t LEFT JOIN evaluation_themes p ON p.id = t.parent_id "
        "ORDER BY t.cohort_id, t.id"
    )).mappings().all()
    kept = {}  # (programme, parent name, name) -> kept theme id
    for theme in themes:
        key = (theme["programme"], theme["parent_name"], theme["name"].lower())
        if key not in kept:
            kept[key] = theme["id"]
            continue
        connection.execute(
            sa.text(
                "UPDATE OR IGNORE evaluation_coding_themes SET theme_id = :kept "
                "WHERE theme_id = :old"
            ) if connection.dialect.name == "sqlite" else sa.text(
                "UPDATE evaluation_coding_themes SET theme_id = :kept WHERE theme_id = :old "
                "AND NOT EXISTS (SELECT 1 FROM evaluation_coding_themes o "
                "WHERE o.coding_id = evaluation_coding_themes.coding_id AND o.theme_id = :kept)"
            ),
            {"kept": kept[key], "old": theme["id"]},
        )
    for theme in reversed(themes):
        key = (theme["programme"], theme["parent_name"], theme["name"].lower())
        if kept[key] != theme["id"]:
            connection.execute(
                sa.text("DELETE FROM evaluation_themes WHERE id = :id"), {"id": theme["id"]}
            )
    def alter():
        with op.batch_alter_table('evaluation_themes', schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f('fk_evaluation_themes_cohort_id_cohorts'), type_='foreignkey'
            )
            batch_op.drop_index(batch_op.f('ix_evaluation_themes_cohort_id'))
            batch_op.drop_column('cohort_id')
            batch_op.alter_column('programme', existing_type=sa.String(length=60), nullable=False)
            batch_op.create_index(
                batch_op.f('ix_evaluation_themes_programme'), ['programme'], unique=False
            )

    _rebuilding(connection, alter, "programme, " + THEME_COLUMNS)
