-- AlterTable
ALTER TABLE "refresh_tokens" ADD COLUMN     "sealed_for_predecessor" TEXT;
