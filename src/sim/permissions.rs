//! Discord's permission bits and its algorithm for a member's effective permissions in a channel
//! (base from roles, then channel overwrites: @everyone, roles, member).

pub const CREATE_INSTANT_INVITE: u64 = 1 << 0;
pub const ADMINISTRATOR: u64 = 1 << 3;
pub const MANAGE_CHANNELS: u64 = 1 << 4;
pub const MANAGE_GUILD: u64 = 1 << 5;
pub const ADD_REACTIONS: u64 = 1 << 6;
pub const VIEW_CHANNEL: u64 = 1 << 10;
pub const SEND_MESSAGES: u64 = 1 << 11;
pub const EMBED_LINKS: u64 = 1 << 14;
pub const ATTACH_FILES: u64 = 1 << 15;
pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
pub const ALL: u64 = (1 << 50) - 1;

/// What a new guild's @everyone role may do, as Discord sets it up (chat, embed, attach, read
/// history, use commands; nothing administrative).
pub const EVERYONE_DEFAULT: u64 = CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverwriteTarget {
    Role(u64),
    Member(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overwrite {
    pub target: OverwriteTarget,
    pub allow: u64,
    pub deny: u64,
}

/// Inputs to the computation, borrowed from the simulator's world.
pub struct PermissionQuery<'a> {
    pub guild_id: u64,
    pub owner_id: u64,
    pub user_id: u64,
    /// (role id, permissions) for every role of the guild, @everyone included (its id is the guild's).
    pub roles: &'a [(u64, u64)],
    pub member_roles: &'a [u64],
    pub overwrites: &'a [Overwrite],
}

pub fn base_permissions(q: &PermissionQuery<'_>) -> u64 {
    if q.user_id == q.owner_id {
        return ALL;
    }
    let role_perms = |id: u64| {
        q.roles
            .iter()
            .find(|(role, _)| *role == id)
            .map_or(0, |(_, p)| *p)
    };
    let mut perms = role_perms(q.guild_id);
    for role in q.member_roles {
        perms |= role_perms(*role);
    }
    if perms & ADMINISTRATOR != 0 {
        ALL
    } else {
        perms
    }
}

pub fn channel_permissions(q: &PermissionQuery<'_>) -> u64 {
    let mut perms = base_permissions(q);
    if perms & ADMINISTRATOR != 0 {
        return ALL;
    }
    let find = |target: OverwriteTarget| q.overwrites.iter().find(|o| o.target == target);
    if let Some(everyone) = find(OverwriteTarget::Role(q.guild_id)) {
        perms = (perms & !everyone.deny) | everyone.allow;
    }
    let (mut allow, mut deny) = (0, 0);
    for role in q.member_roles {
        if let Some(o) = find(OverwriteTarget::Role(*role)) {
            allow |= o.allow;
            deny |= o.deny;
        }
    }
    perms = (perms & !deny) | allow;
    if let Some(member) = find(OverwriteTarget::Member(q.user_id)) {
        perms = (perms & !member.deny) | member.allow;
    }
    if perms & VIEW_CHANNEL == 0 {
        0
    } else {
        perms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_overwrite_beats_a_role_overwrite() {
        let roles = [(1, EVERYONE_DEFAULT), (2, 0)];
        let overwrites = [
            Overwrite {
                target: OverwriteTarget::Role(2),
                allow: 0,
                deny: SEND_MESSAGES,
            },
            Overwrite {
                target: OverwriteTarget::Member(9),
                allow: SEND_MESSAGES,
                deny: 0,
            },
        ];
        let query = |user| PermissionQuery {
            guild_id: 1,
            owner_id: 100,
            user_id: user,
            roles: &roles,
            member_roles: &[2],
            overwrites: &overwrites,
        };
        assert_eq!(
            channel_permissions(&query(9)) & SEND_MESSAGES,
            SEND_MESSAGES
        );
        assert_eq!(channel_permissions(&query(8)) & SEND_MESSAGES, 0);
    }

    #[test]
    fn without_view_channel_nothing_is_allowed() {
        let roles = [(1, EVERYONE_DEFAULT)];
        let overwrites = [Overwrite {
            target: OverwriteTarget::Role(1),
            allow: 0,
            deny: VIEW_CHANNEL,
        }];
        let q = PermissionQuery {
            guild_id: 1,
            owner_id: 100,
            user_id: 5,
            roles: &roles,
            member_roles: &[],
            overwrites: &overwrites,
        };
        assert_eq!(channel_permissions(&q), 0);
    }
}
