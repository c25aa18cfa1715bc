// The app's page routes. The server answers each with the app's page
// (kPageRoutes in src/api/web_routes.cc): keep the two lists the same.
export const kRoutes = {
  signIn: '/sign-in',
  overview: '/overview',
} as const;

export type RoutePath = (typeof kRoutes)[keyof typeof kRoutes];

export function navigate(path: string) {
  if (location.pathname + location.search === path) return;
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}
