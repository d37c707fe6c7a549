"""Who may see and change what: one policy, asked wherever data is read or written.

In the manner of datasette's permission checks: an *actor* (who is asking: a role and, for a
coordinator, the districts they answer for) and a question, "may this actor do this action to
that?" (:func:`may`), answered here and nowhere else. The store asks it on every read and
write made for an actor (:meth:`lib.store.VersionedStore.read_layer`, ``write_layers``,
``restore``), the caches key their entries on the actor's :class:`Scope` and ask it before
returning anything, and pages only hide what the policy already refuses.

Roles (the issue's words):

- ``public``: aggregates only, with small counts suppressed (:mod:`lib.disclosure`); the
  public reference layers (district boundaries, settlements as places, targets, reported
  figures) are readable as records since they are published anyway.
- ``leadership``: reads everything, changes nothing.
- ``coordinator``: reads the records of their own districts and imports for them.
- ``admin`` (data admin): every read, every import, restoring versions, accounts.

Code on the server that computes aggregates from whole layers (the caches' daily totals, the
demo build, the command line run by the machine's operator) acts as :data:`SYSTEM`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

PUBLIC = "public"
LEADERSHIP = "leadership"
COORDINATOR = "coordinator"
ADMIN = "admin"
ROLES = (PUBLIC, LEADERSHIP, COORDINATOR, ADMIN)
# Roles an account may have (the public is whoever has not signed in).
ACCOUNT_ROLES = (LEADERSHIP, COORDINATOR, ADMIN)

# Actions
READ_AGGREGATES = "read_aggregates"  # figures summed over records (suppressed for the public)
READ_RECORDS = "read_records"  # single houses, assets, hazard areas, convoys, projects
IMPORT = "import"  # write records (import a file) for some districts
RESTORE = "restore"  # make an earlier data version current again
READ_HISTORY = "read_history"  # the data versions and the audit log
MANAGE_ACCOUNTS = "manage_accounts"
ACTIONS = (READ_AGGREGATES, READ_RECORDS, IMPORT, RESTORE, READ_HISTORY, MANAGE_ACCOUNTS)

# Layers published as they are: boundaries, places, the programme's targets and the reported
# figures with their sources. Every other layer holds records the public sees only summed up.
PUBLIC_LAYERS = frozenset({"districts", "settlements", "settlement_boundaries", "targets", "reported_figures"})

# What each role may do; district-bound actions are further limited to a coordinator's districts.
_GRANTS = {
    PUBLIC: {READ_AGGREGATES},
    LEADERSHIP: {READ_AGGREGATES, READ_RECORDS, READ_HISTORY},
    COORDINATOR: {READ_AGGREGATES, READ_RECORDS, IMPORT, READ_HISTORY},
    ADMIN: set(ACTIONS),
}
_DISTRICT_BOUND = {READ_AGGREGATES, READ_RECORDS, IMPORT}


class AccessDenied(PermissionError):
    """Raised when an actor asks for something the policy refuses; says what and, where it
    matters, which districts."""

    def __init__(self, actor: Scope | Actor, action: str, districts: Iterable[str] = (), layer: str | None = None):
        self.actor, self.action, self.districts, self.layer = actor, action, tuple(sorted(districts)), layer
        what = f"{action} on {layer}" if layer else action
        where = f" in {', '.join(self.districts)}" if self.districts else ""
        super().__init__(f"{getattr(actor, 'username', '') or actor.role} ({actor.role}) may not {what}{where}")


@dataclass(frozen=True)
class Scope:
    """What an actor may see, without who they are: the caches' key (two coordinators of the
    same districts share entries; a coordinator and the public never do).

    ``districts`` is ``None`` for every district, else the sorted codes of a coordinator's."""

    role: str
    districts: tuple[str, ...] | None = None

    @property
    def suppressed(self) -> bool:
        """Whether small counts are suppressed in what this scope sees (the public's)."""
        return self.role == PUBLIC

    @property
    def reads_records(self) -> bool:
        return READ_RECORDS in _GRANTS[self.role]


@dataclass(frozen=True)
class Actor:
    """Who is asking: an account (or the public, or the server itself) with its role.

    ``districts`` limits a coordinator (``None`` for the other roles: every district)."""

    username: str
    role: str
    districts: tuple[str, ...] | None = None
    display_name: str = ""

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {', '.join(ROLES)}")
        if self.role == COORDINATOR:
            if not self.districts:
                raise ValueError(f"coordinator {self.username!r} needs at least one district")
            object.__setattr__(self, "districts", tuple(sorted({d.upper() for d in self.districts})))
        else:
            object.__setattr__(self, "districts", None)

    @property
    def scope(self) -> Scope:
        return Scope(self.role, self.districts)

    @property
    def name(self) -> str:
        """What the audit log and the sidebar call this actor."""
        return self.display_name or self.username


PUBLIC_ACTOR = Actor("", PUBLIC)
# The server's own code (aggregates over whole layers, the demo build, the operator's command line).
SYSTEM = Actor("system", ADMIN)


def may(actor: Actor | Scope, action: str, districts: Iterable[str] | None = None, layer: str | None = None) -> bool:
    """Whether ``actor`` may do ``action`` (to ``layer``) in ``districts`` (``None``: every
    district, which a coordinator may not ask for)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action not in _GRANTS[actor.role]:
        # the public reads the published layers as they are
        return action == READ_RECORDS and layer in PUBLIC_LAYERS
    if action in _DISTRICT_BOUND and actor.districts is not None:
        if layer in PUBLIC_LAYERS and action != IMPORT:
            return True
        return districts is not None and set(districts) <= set(actor.districts)
    return True


def require(
    actor: Actor | Scope, action: str, districts: Iterable[str] | None = None, layer: str | None = None
) -> None:
    """:func:`may`, raising :class:`AccessDenied` when not."""
    if not may(actor, action, districts, layer):
        outside = () if districts is None or actor.districts is None else set(districts) - set(actor.districts)
        raise AccessDenied(actor, action, outside, layer)


def may_import(actor: Actor | Scope) -> bool:
    """Whether ``actor`` may import anything at all (into their own districts, for a coordinator)."""
    return may(actor, IMPORT, actor.districts)


def readable_districts(actor: Actor | Scope, layer: str, district_ids: Iterable[str] | None) -> tuple[str, ...] | None:
    """The districts a read of ``layer`` for ``actor`` is limited to: the ones asked for (``None``:
    all), or a coordinator's own when they ask for all.

    Raises
    ------
    AccessDenied
        When the actor may not read the layer's records, or asks for a district not theirs.
    """
    asked = None if district_ids is None else tuple(district_ids)
    if layer in PUBLIC_LAYERS:
        return asked
    if asked is None and actor.districts is not None:
        asked = actor.districts
    require(actor, READ_RECORDS, asked, layer)
    return asked


def visible_districts(actor: Actor | Scope, district_ids: Iterable[str]) -> list[str]:
    """Of ``district_ids``, those the actor's pages offer (a coordinator's own; all for the others)."""
    return [d for d in district_ids if actor.districts is None or d in actor.districts]


def record_scope(scope: Scope, layer: str) -> Scope:
    """``scope`` as far as which rows of ``layer`` it may read, to key the caches: every role that
    reads every record shares one scope, and every role shares the published layers (so the layers
    held in memory are not copied per role), while a coordinator's and the public's stay their own."""
    if layer in PUBLIC_LAYERS:
        return Scope(PUBLIC)
    if scope.reads_records and scope.districts is None:
        return SYSTEM.scope
    return scope


def districts_of_records(layer: str, frame: pd.DataFrame, settlement_districts: pd.Series) -> pd.Series:
    """The district of each record: its own ``district_id``, or its settlement's (``None`` when the
    settlement is unknown)."""
    if "district_id" in frame.columns:
        return frame["district_id"].astype("object")
    if "settlement_id" in frame.columns:
        return frame["settlement_id"].astype("object").map(settlement_districts).astype("object")
    return pd.Series(None, index=frame.index, dtype="object")


def require_write(actor: Actor | Scope, layer: str, districts: Iterable[str | None] | None) -> None:
    """That ``actor`` may write records of ``layer`` in ``districts`` (``None``: records not bound to
    a district, such as targets, or every district; a record whose district is unknown counts as
    outside any coordinator's districts)."""
    if districts is None:
        require(actor, IMPORT, None, layer)
        return
    touched = {d if isinstance(d, str) else "?" for d in districts}
    require(actor, IMPORT, touched, layer)
