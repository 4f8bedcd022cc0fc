// UI-SET-12/13: Settings > User management as an admin, saved to OdhDashboardConfig
// spec.groupsConfig (odh-dashboard rhoai-2.9 backend/src/routes/api/groups-config/groupsConfigUtil.ts:
// comma-joined adminGroups / allowedGroups), effective at the next login of a member (the backend
// decides admin and allowed per request: backend/src/utils/adminUtils.ts). The groups config is put
// back as it was afterwards.
import { expect } from './playwright';
import { expect as check } from 'chai';
import { questionPeople } from '../questions/users';
import type { RhoaiWorld } from '../core/world';
import { dashboardConfigRef } from './applications';
import { attachScreenshot } from './browser';
import { ADMIN_GROUPS, GroupSettingsPage, USER_GROUPS } from './group-settings-page';
import { dashboardOrigin } from './login';
import { chrome } from './people';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The groups config as the scenario found it (put back afterwards). */
    groupsBefore?: { adminGroups: string; allowedGroups: string };
  }
}

async function rememberGroups(world: RhoaiWorld): Promise<void> {
  if (world.facts.groupsBefore) return;
  const ref = await dashboardConfigRef(world);
  const before = (await world.cluster.get(ref))?.spec?.groupsConfig;
  world.facts.groupsBefore = { adminGroups: before?.adminGroups ?? '', allowedGroups: before?.allowedGroups ?? '' };
  world.onCleanup('put the dashboard groups config back', () =>
    world.cluster.patch(ref, {
      spec: { groupsConfig: { adminGroups: before?.adminGroups ?? null, allowedGroups: before?.allowedGroups ?? null } },
    }),
  );
}

/** Ticks (or unticks) groups in one selector and saves. */
export async function saveGroups(world: RhoaiWorld, which: 'admin' | 'user', changes: Record<string, boolean>): Promise<void> {
  await rememberGroups(world);
  const page = new GroupSettingsPage(chrome(world).page);
  await page.visit(await dashboardOrigin(world));
  for (const [group, on] of Object.entries(changes)) {
    const box = page.group(which === 'admin' ? ADMIN_GROUPS : USER_GROUPS, group);
    await expect(box, `User management offers no group ${group} (does the OpenShift group exist?)`).toBeVisible();
    await box.setChecked(on);
  }
  await attachScreenshot(world, `user management: ${which} groups`);
  await page.save();
}

export async function assertGroupsConfig(world: RhoaiWorld, field: 'adminGroups' | 'allowedGroups', expected: string[]): Promise<void> {
  const found = String((await world.cluster.get(await dashboardConfigRef(world)))?.spec?.groupsConfig?.[field] ?? '')
    .split(',')
    .filter(Boolean);
  check([...found].sort(), `odh-dashboard-config spec.groupsConfig.${field} after "Save changes" in User management`).to.deep.equal(
    [...expected].sort(),
  );
}

export function dsGroups(world: RhoaiWorld): { users: string; admins: string } {
  const p = questionPeople(world);
  return { users: p.usersGroup, admins: p.adminsGroup };
}

/** The member of an admin group sees Settings at the next login (the group is named in the message). */
export async function assertAdminByGroup(world: RhoaiWorld): Promise<void> {
  const c = chrome(world);
  const user = world.facts.dashboardUser!;
  const group = dsGroups(world).admins;
  if (!(await c.section('Settings').isVisible()))
    throw new Error(
      `${user} is a member of admin group ${group} (saved in odh-dashboard-config spec.groupsConfig.adminGroups) but, logged in again, the dashboard shows no Settings navigation: the admin groups did not take effect`,
    );
}

/** UI-SET-12: the data science admins' group added to the admin groups. */
export async function addAdminsGroup(world: RhoaiWorld): Promise<void> {
  await saveGroups(world, 'admin', { [dsGroups(world).admins]: true });
}

export async function assertAdminGroupsSaved(world: RhoaiWorld): Promise<void> {
  const before = world.facts.groupsBefore!.adminGroups.split(',').filter(Boolean);
  await assertGroupsConfig(world, 'adminGroups', [...new Set([...before, dsGroups(world).admins])]);
}

/** UI-SET-13: the data science users' group as the only user group (system:authenticated unticked). */
export async function onlyUsersGroup(world: RhoaiWorld): Promise<void> {
  await rememberGroups(world);
  const changes: Record<string, boolean> = { [dsGroups(world).users]: true };
  for (const g of world.facts.groupsBefore!.allowedGroups.split(',').filter(Boolean)) if (g !== dsGroups(world).users) changes[g] = false;
  await saveGroups(world, 'user', changes);
}

export async function assertUserGroupsSaved(world: RhoaiWorld): Promise<void> {
  await assertGroupsConfig(world, 'allowedGroups', [dsGroups(world).users]);
}
