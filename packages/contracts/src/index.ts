// Types only: a frontend imports these and calls the API through @trpc/client with no codegen.
// Nothing here pulls server code into a bundle, since every export is erased at compile time.
// The published dist/index.d.ts inlines what these refer to (rollup.config.js): a frontend needs
// this package and @trpc/server, never @meetmind/api.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppCode, AppRouter } from "@meetmind/api";

export type { AppRouter };
/** Every `error.data.appCode` the API sends: switch over it exhaustively. */
export type { AppCode };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
