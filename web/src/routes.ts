// The app's page routes. The server answers each with the app's page
// (kPageRoutes in src/api/web_routes.cc, and openapi.json): keep the lists
// the same. A `:name` part is a path parameter.
export const kRoutes = {
  signIn: '/sign-in',
  overview: '/overview',
  campaigns: '/campaigns',
  campaign: '/campaigns/:key',
  myLeads: '/my-leads',
  desk: '/desk',
  leads: '/leads',
  lead: '/leads/:id',
  definitions: '/definitions',
  definition: '/definitions/:version',
  accuracy: '/accuracy',
  goals: '/goals',
  forms: '/forms',
  leaderboards: '/leaderboards',
  admin: '/admin',
  webhooks: '/webhooks',
  deliveries: '/deliveries',
  programmes: '/programmes',
} as const;

export type RouteName = keyof typeof kRoutes;

export interface Match {
  route: RouteName;
  params: Record<string, string>;
}

// The route a path draws, with its parameters (decoded), or null.
export function match(path: string): Match | null {
  const parts = path.split('/');
  for (const [route, pattern] of Object.entries(kRoutes) as [RouteName, string][]) {
    const want = pattern.split('/');
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < want.length && ok; ++i) {
      if (want[i].startsWith(':')) {
        if (!parts[i]) ok = false;
        else {
          try {
            params[want[i].slice(1)] = decodeURIComponent(parts[i]);
          } catch {
            ok = false;
          }
        }
      } else ok = want[i] === parts[i];
    }
    if (ok) return { route, params };
  }
  return null;
}

// The path of a route with its parameters filled in (encoded).
export function pathOf(route: RouteName, params: Record<string, string | number> = {}): string {
  return kRoutes[route].replace(/:([a-z]+)/g, (_, name: string) => encodeURIComponent(String(params[name] ?? '')));
}

export function navigate(path: string) {
  if (location.pathname + location.search === path) return;
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}
